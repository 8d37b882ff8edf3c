import type { DescService } from "@bufbuild/protobuf";
import { ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { Capability, Plugin, ToolProvider, ViewProvider, LifecycleHook, type PluginProvider } from "../src/index.js";

/** A plugin with one field of every kind the manifest reference defines. */
export function weatherPlugin(options: { onRegister?: () => void | Promise<void>; health?: () => boolean | Promise<boolean> } = {}) {
  return new Plugin({
    name: "weather",
    version: "1.2.0",
    manifest: {
      description: "Current weather and forecasts",
      author: "Acme Weather",
      icon: "cloud",
      type: "remote",
      configSchema: {
        api_key_env: { type: "string", required: true, description: "Env var holding the API key", placeholder: "WEATHER_API_KEY" },
        units: { type: "string", options: ["metric", "imperial"], default: "metric", uiType: "radio" },
        region: { type: "string", pattern: "^[a-z]{2}-[a-z]+-\\d$", apiSource: "https://regions.example.com/list" },
        max_results: { type: "number", default: 5, description: "How many results" },
        retries: { type: "number", required: true, options: [1, 2, 3] },
        verbose: { type: "bool", default: false },
        cache: { type: "bool" },
      },
    },
    metadata: { homepage: "https://weather.example.com" },
    ...(options.onRegister ? { onRegister: options.onRegister } : {}),
    ...(options.health ? { health: options.health } : {}),
  });
}

/** The smallest valid config for `weatherPlugin`. */
export const validConfig = { api_key_env: "WEATHER_KEY", retries: "2" };

/** A provider that only contributes its capability and an empty (UNIMPLEMENTED) service. */
export function fakeProvider(capability: Capability, service: DescService): PluginProvider {
  return {
    capability,
    service,
    registerRoutes(router: ConnectRouter) {
      router.service(service, {});
    },
  };
}

export const fakeTools = () => fakeProvider(Capability.TOOL_PROVIDER, ToolProvider);
export const fakeViews = () => fakeProvider(Capability.VIEW_PROVIDER, ViewProvider);
export const fakeHooks = () => fakeProvider(Capability.LIFECYCLE_HOOK, LifecycleHook);

/** The ConnectError a call failed with; throws if it succeeded. */
export async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail, it succeeded");
}
