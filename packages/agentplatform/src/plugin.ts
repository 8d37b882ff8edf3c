import { abortError, untilAborted } from "./call-abort.js";
import { AgentwireError, messageOf, silentLogger, type Logger } from "@agentwire/core";
import { formatProblems, resolveConfig, type ConfigProblem, type ConfigSchema, type ConfigValues } from "./config-schema.js";
import { Capability } from "./gen/agentplatform/v1/plugin_pb.js";
import { manifestProblems, renderManifestHcl, type PluginManifest, type PluginType } from "./manifest.js";
import { createPlatformHostClient, type PlatformHostClient } from "./platform-host/client.js";
import type { PluginCallContext } from "./plugin-context.js";
import { attachProvider, checkAttachable, describeProvider, providerKind, type PluginProvider, type ProviderKind } from "./provider.js";

/** The protocol version a plugin reports in `RegisterResponse.metadata.protocol_version` (ours, not upstream's). */
export const protocolVersion = "1";

/** The outcome of a successful `Register`: the typed config and the environment variables the platform sent. */
export interface Registration<S extends ConfigSchema> {
  readonly config: ConfigValues<S>;
  /** `RegisterRequest.env_vars`: a remote plugin's workspace environment (a local one has it in `process.env`). */
  readonly env: Readonly<Record<string, string>>;
}

export interface PluginOptions<S extends ConfigSchema> {
  /** The plugin's name; `Register` answers it, and it must match the workspace's `plugin "<name>"` block. */
  name: string;
  /** The plugin's semantic version, e.g. `1.2.0`: the manifest's `version` and `metadata.version`. */
  version: string;
  /** Description, author, icon, type and config schema, served as HCL by `GetManifest`. */
  manifest: PluginManifest<S>;
  /**
   * What the plugin serves: instances of classes that extend `ToolProvider`, `LLMProvider`, `ViewProvider`
   * and `LifecycleHook`, at most one of each. `Register` reports their capabilities, every server and test
   * transport made from the plugin answers their services, and their handlers read this plugin's config.
   * A provider belongs to one plugin. Default: none.
   */
  providers?: readonly PluginProvider<NoInfer<S>>[];
  /**
   * Runs on every `Register` once the config is merged, coerced and valid, before it becomes the plugin's
   * config. Throw (an `AgentwireError` with a code, ideally) to refuse the registration; the previous
   * config, if any, then stays. Default: none.
   */
  onRegister?: (registration: Registration<NoInfer<S>>, context: PluginCallContext) => void | Promise<void>;
  /**
   * Asked on every `Health` call (and grpc.health.v1 check) while `setServing` has not turned serving off:
   * return false (or throw) to answer NOT_SERVING. Keep it quick: the platform polls it. Default: always
   * serving.
   */
  health?: (context: PluginCallContext) => boolean | Promise<boolean>;
  /** Extra `RegisterResponse.metadata`. `version` and `protocol_version` are the SDK's and may not be set here. Default: none. */
  metadata?: Readonly<Record<string, string>>;
}

/** A plugin whatever its config schema: what `serve`, drivers and test transports take. */
export type AnyPlugin = Plugin<ConfigSchema>;

/** What `Register` answers: `RegisterResponse`'s fields. */
export interface RegisterResult {
  readonly name: string;
  readonly capabilities: Capability[];
  readonly metadata: Record<string, string>;
}

type ErasedRegisterHook = (registration: Registration<ConfigSchema>, context: PluginCallContext) => void | Promise<void>;

interface RegisteredState {
  config: unknown;
  env: Readonly<Record<string, string>>;
}

/** What the plugin's servers need from it and authors do not: registering, probing health, following `setServing`. */
export interface PluginInternals {
  readonly register: (
    request: { config?: Readonly<Record<string, string>>; envVars?: Readonly<Record<string, string>> },
    context: PluginCallContext,
  ) => Promise<RegisterResult>;
  /** The `health` callback, abandoned when `signal` fires; undefined when the plugin has none. */
  readonly probe: ((signal: AbortSignal, logger: Logger, timeoutMs: () => number | undefined) => Promise<boolean>) | undefined;
  /** Calls `listener` whenever `setServing` changes the flag; returns the function that unsubscribes. */
  readonly onServingChange: (listener: (serving: boolean) => void) => () => void;
}

const internals = new WeakMap<object, PluginInternals>();

/** The internals of a plugin (for the server, the routes and the test transports; not for authors). */
export function pluginInternals(plugin: AnyPlugin): PluginInternals {
  const found = internals.get(plugin);
  if (found === undefined) throw new AgentwireError("invalid_argument", "expected a Plugin made with new Plugin({ ... })");
  return found;
}

const reservedMetadata = ["version", "protocol_version"];
const capabilityOf: Record<ProviderKind, Capability> = {
  ToolProvider: Capability.TOOL_PROVIDER,
  LLMProvider: Capability.LLM_PROVIDER,
  ViewProvider: Capability.VIEW_PROVIDER,
  LifecycleHook: Capability.LIFECYCLE_HOOK,
};

function invalidManifest(name: string, problems: readonly ConfigProblem[]): AgentwireError {
  return new AgentwireError("invalid_argument", `invalid plugin ${JSON.stringify(name)}: ${formatProblems(problems)}`, {
    details: { fields: Object.fromEntries(problems.map((p) => [p.field, p.problem])) },
  });
}

/**
 * Checks and attaches the providers: each a provider, at most one per kind, each attached to this plugin
 * only. Everything is checked before anything is attached, so a refused plugin leaves its providers free.
 */
function attachAll(name: string, providers: unknown): readonly PluginProvider[] {
  if (providers === undefined) return [];
  if (!Array.isArray(providers)) {
    throw new AgentwireError("invalid_argument", `plugin ${JSON.stringify(name)}: providers must be an array, e.g. providers: [new FileTools()]`);
  }
  const byKind = new Map<ProviderKind, unknown>();
  providers.forEach((provider: unknown, i) => {
    checkAttachable(provider, name, `providers[${i}]`);
    const kind = providerKind(provider)!;
    const other = byKind.get(kind);
    if (other !== undefined) {
      throw new AgentwireError(
        "already_exists",
        `plugin ${JSON.stringify(name)} has two ${kind}s (${describeProvider(other)} and ${describeProvider(provider)}): the platform calls one ${kind} service per plugin, so declare everything it serves in one class`,
      );
    }
    byKind.set(kind, provider);
  });
  for (const provider of providers as object[]) attachProvider(provider, name);
  return Object.freeze([...(providers as PluginProvider[])]);
}

/**
 * An AgentPlatform plugin: its name, version and manifest, the providers that make up its capabilities,
 * the config the platform registered it with, and its health. Serve it with `serve({ plugin })`; test it
 * with `createPluginDriver({ plugin })` from `@agentwire/agentplatform/testing`.
 *
 * ```ts
 * import { defineConfigSchema, Plugin, serve, ToolProvider } from "@agentwire/agentplatform";
 *
 * const configSchema = defineConfigSchema({
 *   units: { type: "string", options: ["metric", "imperial"], default: "metric" },
 *   max_results: { type: "number", default: 5 },
 * });
 *
 * class WeatherTools extends ToolProvider<typeof configSchema> {
 *   units = this.tool("units", { description: "The units forecasts are given in" }, (_args, { config }) => config.units);
 * }
 *
 * const plugin = new Plugin({
 *   name: "weather",
 *   version: "1.2.0",
 *   manifest: { description: "Current weather and forecasts", author: "Acme Weather", configSchema },
 *   providers: [new WeatherTools()],
 * });
 * await serve({ plugin });
 * ```
 */
export class Plugin<const S extends ConfigSchema = Record<never, never>> {
  readonly name: string;
  readonly version: string;
  /** The manifest as given, with `type` defaulted to `remote`. */
  readonly manifest: PluginManifest<S> & { readonly type: PluginType };
  /** The manifest rendered as HCL: what `GetManifest` returns. */
  readonly manifestHcl: string;
  /** The providers, in the order given. */
  readonly providers: readonly PluginProvider[];
  private readonly schema: ConfigSchema;
  private state: RegisteredState | undefined;
  private servingFlag = true;
  private hostClient: PlatformHostClient | undefined;

  constructor(options: PluginOptions<S>) {
    const problems = manifestProblems(options.name, options.version, options.manifest);
    for (const key of reservedMetadata) {
      if (options.metadata !== undefined && Object.hasOwn(options.metadata, key)) {
        problems.push({ field: `metadata.${key}`, problem: "is set by the SDK; remove it" });
      }
    }
    if (problems.length > 0) throw invalidManifest(String(options.name), problems);
    this.name = options.name;
    this.version = options.version;
    this.manifest = { ...options.manifest, type: options.manifest.type ?? "remote" };
    this.schema = options.manifest.configSchema ?? {};
    this.manifestHcl = renderManifestHcl(this.name, this.version, this.manifest);
    this.providers = attachAll(this.name, options.providers);
    const metadata = { ...options.metadata };
    // Held with the schema erased: a callback typed by S would make Plugin<S> invariant in S, and no
    // Plugin<S> could be passed where any plugin is taken (AnyPlugin). It is only ever called with S's config.
    const onRegister = options.onRegister as ErasedRegisterHook | undefined;
    const health = options.health;
    const listeners = new Set<(serving: boolean) => void>();
    internals.set(this, {
      register: (request, context) => this.register(request, context, onRegister, metadata),
      probe:
        health === undefined
          ? undefined
          : (signal, logger, timeoutMs) => untilAborted(Promise.resolve().then(() => health({ signal, logger, timeoutMs })), signal),
      onServingChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    this.notifyServing = (serving) => {
      for (const listener of listeners) listener(serving);
    };
  }

  private readonly notifyServing: (serving: boolean) => void;

  /** What `Register` reports: each provider's capability, in the enum's order. */
  get capabilities(): Capability[] {
    return this.providers.map((p) => capabilityOf[providerKind(p)!]).sort((a, b) => a - b);
  }

  /** True once a `Register` has succeeded. */
  get registered(): boolean {
    return this.state !== undefined;
  }

  /**
   * The config of the last successful `Register`: defaults merged, values coerced to the schema's types.
   * Throws FAILED_PRECONDITION before the first one, since code that reads config then would act on
   * values the platform never sent. Handlers read it from their context (`context.config`).
   */
  get config(): ConfigValues<S> {
    return this.requireState().config as ConfigValues<S>;
  }

  /** `RegisterRequest.env_vars` of the last successful `Register` (empty for most local plugins). */
  get env(): Readonly<Record<string, string>> {
    return this.requireState().env;
  }

  /** The plugin's client of the platform's `PlatformHost` (what handlers get as `context.platformHost`). */
  get platformHost(): PlatformHostClient {
    this.hostClient ??= createPlatformHostClient(this);
    return this.hostClient;
  }

  private requireState(): RegisteredState {
    if (this.state === undefined) {
      throw new AgentwireError("failed_precondition", `plugin ${JSON.stringify(this.name)} has no config yet: the platform has not called Register`);
    }
    return this.state;
  }

  /**
   * Merges `raw` over the schema's defaults, coerces and validates it, without registering. Throws one
   * INVALID_ARGUMENT that names every bad or missing field (also in `details.fields`, by field name).
   */
  resolveConfig(raw: Readonly<Record<string, string>>): ConfigValues<S> {
    const { values, problems } = resolveConfig(this.schema, raw);
    if (problems.length > 0) {
      throw new AgentwireError(
        "invalid_argument",
        `invalid config for plugin ${JSON.stringify(this.name)} (${problems.length} problem${problems.length === 1 ? "" : "s"}): ${formatProblems(problems)}`,
        { details: { fields: Object.fromEntries(problems.map((p) => [p.field, p.problem])) } },
      );
    }
    return values as ConfigValues<S>;
  }

  /**
   * Turns serving on or off: while off, `Health` (and grpc.health.v1) answer NOT_SERVING whatever the
   * `health` callback says, and health watchers hear it at once. Use it while a dependency is down.
   */
  setServing(serving: boolean): void {
    if (serving === this.servingFlag) return;
    this.servingFlag = serving;
    this.notifyServing(serving);
  }

  /** False after `setServing(false)` (the `health` callback is asked on each Health call, not here). */
  get serving(): boolean {
    return this.servingFlag;
  }

  /**
   * What the `Register` RPC does: resolves the config, runs `onRegister`, then makes the config current
   * (replacing any earlier one) and answers the name, the capabilities and the metadata.
   */
  private async register(
    request: { config?: Readonly<Record<string, string>>; envVars?: Readonly<Record<string, string>> },
    context: PluginCallContext,
    onRegister: ErasedRegisterHook | undefined,
    metadata: Readonly<Record<string, string>>,
  ): Promise<RegisterResult> {
    const logger = context.logger ?? silentLogger();
    const raw = request.config ?? {};
    let config: ConfigValues<S>;
    try {
      config = this.resolveConfig(raw);
    } catch (err) {
      logger.warn({ fields: Object.keys(raw) }, `Register refused: ${messageOf(err)}`);
      throw err;
    }
    const env = { ...request.envVars };
    if (onRegister) {
      const signal = context.signal;
      try {
        await untilAborted(Promise.resolve().then(() => onRegister({ config, env }, context)), signal);
      } catch (err) {
        logger.warn({ err }, `Register refused by onRegister: ${messageOf(err)}`);
        throw err;
      }
      // A caller that gave up (or a shutdown) means the platform did not get this answer: keep the old config.
      if (signal.aborted) throw abortError(signal);
    }
    this.state = { config, env };
    const capabilities = this.capabilities;
    // Names only: values can be secrets.
    logger.info({ fields: Object.keys(raw), envVars: Object.keys(env), capabilities: capabilities.map((c) => Capability[c]) }, "registered");
    return {
      name: this.name,
      capabilities,
      metadata: { ...metadata, version: this.version, protocol_version: protocolVersion },
    };
  }
}
