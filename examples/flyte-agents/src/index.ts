export { BatchJobAgent, batchJobTask, type BatchJobMeta } from "./batch-job-agent.js";
export { BatchJobStore } from "./batch-job-store.js";
export { HttpRequestAgent, httpRequestTask } from "./http-request-agent.js";
