// What every handler of a plugin gets besides its input: the call's signal and deadline, a logger, and the
// plugin's typed config and environment from the platform's last Register. Each provider's context extends
// it with what its calls add (the tool's name, the completion emitter, the event's agent, ...).
import { AgentwireError, type Logger } from "@agentwire/core";
import type { ConfigSchema, ConfigValues } from "./config-schema.js";
import type { PlatformHostClient } from "./platform-host/client.js";

/** What a plugin's own callbacks (`onRegister`, `health`) get: the call's signal, deadline and a logger. */
export interface PluginCallContext {
  /** Fires when the caller cancels, the call's deadline passes or the server shuts down. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the caller's deadline, or undefined when it set none. */
  timeoutMs(): number | undefined;
  /** The server's logger (JSON lines on stderr under `serve`; silent in-process unless one is passed). */
  readonly logger: Logger;
}

/**
 * What every provider handler gets: the call's signal, deadline and logger, and the plugin's typed config
 * and environment. `S` is the plugin's config schema, the one the provider class was declared with
 * (`class FileTools extends ToolProvider<typeof configSchema>`).
 *
 * ```ts
 * import { defineConfigSchema, ToolProvider } from "@agentwire/agentplatform";
 *
 * const configSchema = defineConfigSchema({ base_url: { type: "string", required: true } });
 *
 * export class Forecasts extends ToolProvider<typeof configSchema> {
 *   forecast = this.tool("forecast", { description: "Tomorrow's forecast" }, async (_args, { config, signal }) => {
 *     const res = await fetch(`${config.base_url}/forecast`, { signal });
 *     return await res.json();
 *   });
 * }
 * ```
 */
export interface PluginContext<S extends ConfigSchema = ConfigSchema> extends PluginCallContext {
  /**
   * The plugin's config from the platform's last `Register`: defaults merged, values coerced to the schema's
   * types. Reading it before any `Register` throws FAILED_PRECONDITION (the call fails with it).
   */
  readonly config: ConfigValues<S>;
  /**
   * `RegisterRequest.env_vars` of the last `Register`: a remote plugin's workspace environment (a local
   * plugin has its own in `process.env`). Reading it before any `Register` throws FAILED_PRECONDITION.
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * A client of the platform's `PlatformHost` callback service, at `PLATFORM_HOST_ADDR` from the Register
   * env vars (remote plugins) or the process environment (local plugins), looked up on each call.
   */
  readonly platformHost: PlatformHostClient;
}

/** What a context reads from the plugin: its registration and its PlatformHost client. */
export interface ContextSource {
  readonly name: string;
  readonly registered: boolean;
  readonly config: unknown;
  readonly env: Readonly<Record<string, string>>;
  readonly platformHost: PlatformHostClient;
}

/**
 * The context object behind every provider handler. A class, so `config` and `env` are getters on its
 * prototype: an object literal with getters costs a dictionary-mode object per call, measurable in the
 * benchmark. Provider contexts extend it.
 */
export class CallContext<S extends ConfigSchema = ConfigSchema> implements PluginContext<S> {
  /** Set when the handler read config or env before the platform's first Register. */
  readConfigTooEarly = false;

  /**
   * `signal` is the call's signal, or a function that makes it: read lazily (on the grpc-js transport a
   * signal costs an AbortController and listeners that a call which never looks at it need not pay for).
   */
  constructor(
    protected readonly source: ContextSource,
    private signalSource: AbortSignal | (() => AbortSignal),
    readonly timeoutMs: () => number | undefined,
    readonly logger: Logger,
  ) {}

  get signal(): AbortSignal {
    const source = this.signalSource;
    return typeof source === "function" ? (this.signalSource = source()) : source;
  }

  get config(): ConfigValues<S> {
    if (!this.source.registered) this.readConfigTooEarly = true;
    return this.source.config as ConfigValues<S>;
  }

  get env(): Readonly<Record<string, string>> {
    if (!this.source.registered) this.readConfigTooEarly = true;
    return this.source.env;
  }

  get platformHost(): PlatformHostClient {
    return this.source.platformHost;
  }
}

/** A deadline that is never set: for calls made without one. */
export const noDeadline = (): number | undefined => undefined;

/** The error a handler that read the config before the first Register gets: the platform's problem, not the call's. */
export function notRegisteredYet(plugin: string, what: string, cause?: unknown): AgentwireError {
  return new AgentwireError(
    "failed_precondition",
    `${what} needs the plugin's config, and the platform has not called Register on plugin ${JSON.stringify(plugin)}`,
    cause === undefined ? {} : { cause },
  );
}
