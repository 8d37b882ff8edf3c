// replaced by the flyte suites at merge
import type { FlyteCases } from "../../cases.js";
import type { Suite } from "../../suite.js";
import type { FlyteTarget } from "../../targets.js";

export const flyteSuites: Suite<FlyteTarget, FlyteCases>[] = [];
