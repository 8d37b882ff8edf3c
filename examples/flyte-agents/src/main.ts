import { serve } from "@agentwire/flyte";
import { BatchJobAgent, HttpRequestAgent } from "./index.js";

// PORT (default 8000), METRICS_PORT, BATCH_JOBS_DIR and LOG_LEVEL come from the environment.
await serve({ agents: [new BatchJobAgent(), new HttpRequestAgent()] });
