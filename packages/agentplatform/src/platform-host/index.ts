// Public API of the PlatformHost client (the plugin calling the platform back).
export {
  platformHostAddressVariable,
  platformHostBaseUrl,
  resolvePlatformHostAddress,
  type PlatformHostAddress,
  type PlatformHostAddressSource,
} from "./address.js";
export {
  createPlatformHostClient,
  type ConversationMessage,
  type ConversationResult,
  type PlatformConversationEvent,
  type PlatformHostClient,
  type PlatformHostClientOptions,
  type PlatformHostSource,
  type RunConversationOptions,
  type RunConversationRequest,
} from "./client.js";
