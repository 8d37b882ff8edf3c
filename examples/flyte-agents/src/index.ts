export { BatchJobAgent, type BatchJobMeta } from "./batch-job-agent.js";
export { BatchJobStore } from "./batch-job-store.js";
export { HttpRequestAgent } from "./http-request-agent.js";
