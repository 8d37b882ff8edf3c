// Public API of the LLM provider: `createLLMProvider`, the emitter that keeps a Complete stream's
// invariants, and the helpers that turn an upstream HTTP API's refusals into gRPC errors without leaking keys.
export {
  createLLMProvider,
  type CompleteHandler,
  type CompletionContext,
  type LLMProviderOptions,
} from "./llm-provider.js";
export type { CompletionEmitter, CompletionEvent, CompletionUsage, ToolCallDeltaInit } from "./completion-emitter.js";
export type { CompletionMessage, CompletionRequest, CompletionTool, CompletionToolCall } from "./completion-request.js";
export {
  codeForUpstreamStatus,
  upstreamErrorFromResponse,
  upstreamErrorMessage,
  UpstreamHttpError,
  type UpstreamHttpErrorOptions,
} from "./upstream-error.js";
export { redactSecrets } from "./redact.js";
