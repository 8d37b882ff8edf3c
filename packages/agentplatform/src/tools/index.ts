// The tools provider: a plugin's tools, served as agentplatform.v1.ToolProvider.
export {
  ToolRegistry,
  toolNamePattern,
  type RegisteredTool,
  type ToolCallOptions,
  type ToolConfig,
  type ToolHandler,
} from "./tool-registry.js";
export type { ToolContext } from "./tool-context.js";
export type { ToolCallResult, ToolErrorResult } from "./tool-result.js";
export type { InferToolInput, ToolInputSchema } from "./tool-input.js";
export {
  supportedJsonSchemaDialects,
  type InferJsonSchema,
  type JsonSchema,
  type JsonSchemaIssue,
  type JsonSchemaTypeName,
} from "./json-schema.js";
