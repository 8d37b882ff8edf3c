// @agentwire/test-support: the repository's own harness for tests that run real processes (agent servers,
// local plugins, the official Python peers, a Go checker). Private: not published, not built; vitest and tsc
// read this source. The vitest globalSetup that provisions the peers before a run is src/global-setup.ts, which
// the root vitest.config.ts names by path.
export { freePort, freePorts, waitForPort, type WaitForPortOptions } from "./ports.js";
export {
  stopProcessGroup,
  terminateProcess,
  type StopProcessGroupOptions,
  type TerminateOptions,
  type TerminateResult,
} from "./process-group.js";
export { captureOutput, type CapturedOutput, type WaitForOutputOptions } from "./captured-output.js";
export { processOutput, runProcess, type ProcessResult, type RunProcessOptions } from "./run-process.js";
export { pythonEnv, pythonInterpreter, pythonSkipReason, pythonSuiteName, requirePython, SKIP_PYTHON_ENV } from "./python.js";
export { findGo, goSkipReason, goSuiteName, requireGo, SKIP_GO_ENV } from "./go.js";
export {
  provisionGo,
  provisionPython,
  type ProvisionGoOptions,
  type ProvisionOptions,
  type ProvisionOutcome,
} from "./provision.js";
export { grpcError } from "./grpc-error.js";
export { startFlyteSdkConnector, startFlytekitConnector, type FlytekitConnector } from "./flytekit-connector.js";
export { chunk, FakeOpenAI, sse, textStream, toolCallArgs, toolCallStart, usageChunk, type FakeReply, type RecordedRequest } from "./fake-openai.js";
