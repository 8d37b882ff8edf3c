// The OpenAI-compatible LLM provider plugin, for embedding or testing; `main.ts` serves it.
export { chatCompletionsUrl, configSchema, createOpenAIPlugin, OpenAICompatible, pluginVersion, type OpenAIPlugin, type OpenAIPluginOptions } from "./openai-plugin.js";
export { toChatCompletionsBody, type ChatCompletionsBody, type ChatDefaults, type ChatMessage, type ChatToolCall } from "./chat-request.js";
export { emitChatCompletion, streamChatCompletion, type ChatStreamOptions } from "./chat-stream.js";
export { parseSse, SseParser, StreamReadError, type ServerSentEvent } from "./sse.js";
