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
import { flyte1, flyte2 } from "./wire.js";

export const flyteSuites: Suite<FlyteTarget, FlyteCases>[] = [metadataSuite(flyte1), errorsSuite(flyte1), asyncSuite(flyte1), syncSuite, healthSuite(flyte1), loadSuite(flyte1)];

/**
 * The Flyte 2 suites: the same rules, the harness playing Flyte 2's executor over `flyteidl2.connector`
 * (no sync service, no deprecated fields, the case's `connection` sent with every call), plus the check that
 * secrets sent inline never come back.
 */
export const flyte2Suites: Suite<FlyteTarget, FlyteCases>[] = [metadataSuite(flyte2), errorsSuite(flyte2), asyncSuite(flyte2), healthSuite(flyte2), loadSuite(flyte2)];
export { parseTypeName, parseTypes } from "./type-names.js";
