// The LifecycleHook provider: typed payloads per event type, handlers that answer CONTINUE, MODIFY or CANCEL.
export {
  cancelReasonHeader,
  createLifecycleHook,
  type LifecycleContext,
  type LifecycleFailurePolicy,
  type LifecycleHandler,
  type LifecycleHandlerResult,
  type LifecycleHandlers,
  type LifecycleHookOptions,
  type LifecycleHookProvider,
} from "./lifecycle-hook.js";
export {
  lifecycleEventNames,
  type AgentEventPayload,
  type HandoffPayload,
  type LifecycleEventName,
  type LifecycleFinishReason,
  type LifecycleMessage,
  type LifecyclePayloads,
  type LifecycleToolCall,
  type LifecycleToolDefinition,
  type LlmRequestPayload,
  type LlmResponsePayload,
  type ToolCallPayload,
  type ToolResultPayload,
  type TurnEventPayload,
} from "./payloads.js";
export { cancel, modify, proceed, type CancelResult, type ContinueResult, type LifecycleResult, type ModifyResult } from "./results.js";
