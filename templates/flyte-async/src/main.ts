import { createLogger, serve } from "@agentwire/flyte";
import { JobAgent } from "./job-agent.js";
import { JobApi } from "./job-api.js";

// The server Propeller calls. JOB_API_URL (required) names the job API; PORT (default 8000), HOST,
// METRICS_PORT and LOG_LEVEL come from the environment too. It logs JSON lines on stderr (the first one
// says where it listens) and drains, then exits, on SIGTERM.
const logger = createLogger({ name: "agentwire-template-flyte-async" });
let jobs: JobApi;
try {
  jobs = JobApi.fromEnv(); // refuses to start, naming JOB_API_URL, when it is missing or not a URL
} catch (err) {
  logger.fatal(`cannot start: ${(err as Error).message}`);
  process.exit(1);
}
logger.info({ jobApi: jobs.baseUrl }, "submitting jobs to the job API");
// Your code: one agent per task type; add yours to `agents`.
await serve({ agents: [new JobAgent(jobs)], logger });
