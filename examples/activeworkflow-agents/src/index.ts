export { DigestAgent, type Digest, type DigestOptions } from "./digest-agent.js";
export { HttpStatusAgent, maxTimeoutMs, userAgent, type HttpStatusOptions, type StatusReport } from "./http-status-agent.js";
