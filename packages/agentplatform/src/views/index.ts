// Public API of the views provider.
export {
  renderComponents,
  ui,
  type BlockNode,
  type ChatOptions,
  type ComponentNode,
  type ComponentValue,
  type FieldOptions,
  type FormOptions,
  type SectionOptions,
  type StatGroupOptions,
  type StatOptions,
  type TextOptions,
  type TextStyle,
  type ViewNode,
} from "./components.js";
export type { ViewRouteRequest } from "./route-request.js";
export { respond, type ViewRouteResponse } from "./route-response.js";
export {
  streamMetadataKeys,
  type ViewStream,
  type ViewStreamContext,
  type ViewStreamHandler,
  type ViewStreamJson,
  type ViewStreamMetadata,
} from "./view-stream.js";
export {
  createViewProvider,
  defineView,
  route,
  type ViewOptions,
  type ViewProviderHandle,
  type ViewProviderOptions,
  type ViewRenderContext,
  type ViewRoute,
  type ViewRouteContext,
  type ViewRouteHandler,
  type ViewRouteMethod,
  type ViewScope,
} from "./view-provider.js";
export { chatInput, chatRelay, conversationEventJson, type ChatEventJson, type ChatRelayOptions } from "./chat-relay.js";
