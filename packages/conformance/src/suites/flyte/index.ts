/**
 * The Flyte suites: the harness plays FlytePropeller 1.16 (connector-service / agent-service) against an agent
 * server. Discovery suites (metadata, errors, health) need nothing from the author and make no agent do work;
 * async, sync and load run the author's `tasks` cases.
 */
import type { FlyteCases } from "../../cases.js";
import type { Suite } from "../../suite.js";
import type { FlyteTarget } from "../../targets.js";
import { errorsSuite, metadataSuite } from "./discovery.js";
import { asyncSuite, healthSuite, loadSuite, syncSuite } from "./tasks.js";

export const flyteSuites: Suite<FlyteTarget, FlyteCases>[] = [metadataSuite, errorsSuite, asyncSuite, syncSuite, healthSuite, loadSuite];
export { parseTypeName, parseTypes } from "./type-names.js";
