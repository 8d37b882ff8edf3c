import { abortError, untilAborted } from "./call-abort.js";
import { AgentwireError, messageOf, silentLogger, type Logger } from "@agentwire/core";
import {
  formatProblems,
  resolveConfig,
  type ConfigProblem,
  type ConfigSchema,
  type ConfigValues,
} from "./config-schema.js";
import { Capability, Plugin as PluginService, Status } from "./gen/agentplatform/v1/plugin_pb.js";
import { Health } from "@agentwire/core/grpc";
import { manifestProblems, renderManifestHcl, type PluginManifest, type PluginType } from "./manifest.js";
import type { PluginProvider } from "./plugin-provider.js";

/** The protocol version a plugin reports in `RegisterResponse.metadata.protocol_version` (ours, not upstream's). */
export const protocolVersion = "1";

/** What a plugin's callbacks get besides their input: the call's abort signal and a logger. */
export interface PluginCallContext {
  /** Fires when the caller cancels, the deadline passes or the server shuts down. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** The outcome of a successful `Register`: the typed config and the environment variables the platform sent. */
export interface Registration<S extends ConfigSchema> {
  readonly config: ConfigValues<S>;
  /** `RegisterRequest.env_vars`: a remote plugin's workspace environment (a local one has it in `process.env`). */
  readonly env: Readonly<Record<string, string>>;
}

/** What `Register` answers: `RegisterResponse`'s fields. */
export interface RegisterResult {
  readonly name: string;
  readonly capabilities: Capability[];
  readonly metadata: Record<string, string>;
}

export interface PluginOptions<S extends ConfigSchema> {
  /** The plugin's name; `Register` answers it, and it must match the workspace's `plugin "<name>"` block. */
  name: string;
  /** The plugin's semantic version, e.g. `1.2.0`: the manifest's `version` and `metadata.version`. */
  version: string;
  /** Description, author, icon, type and config schema, served as HCL by `GetManifest`. */
  manifest: PluginManifest<S>;
  /**
   * Runs on every `Register` once the config is merged, coerced and valid, before it becomes
   * `plugin.config`. Throw (an `AgentwireError` with a code, ideally) to refuse the registration; the
   * previous config, if any, then stays. Default: none.
   */
  onRegister?: (registration: Registration<S>, context: PluginCallContext) => void | Promise<void>;
  /**
   * Asked on every `Health` call (and grpc.health.v1 check) while `setServing` has not turned serving off:
   * return false (or throw) to answer NOT_SERVING. Keep it quick: the platform polls it. Default: always
   * serving.
   */
  health?: (context: PluginCallContext) => boolean | Promise<boolean>;
  /** Extra `RegisterResponse.metadata`. `version` and `protocol_version` are the SDK's and may not be set here. Default: none. */
  metadata?: Readonly<Record<string, string>>;
}

/** A plugin whatever its config schema: what servers, routes and test transports take. */
export type AnyPlugin = Plugin<ConfigSchema>;

type ErasedRegisterHook = (registration: Registration<ConfigSchema>, context: PluginCallContext) => void | Promise<void>;

interface RegisteredState<S extends ConfigSchema> {
  config: ConfigValues<S>;
  env: Readonly<Record<string, string>>;
}

const reservedServices = new Set([PluginService.typeName, Health.typeName]);
const reservedMetadata = ["version", "protocol_version"];
const sealedPlugins = new WeakSet<object>();

/**
 * Stops `plugin` from taking more providers: its routes are about to be mounted, and a provider attached
 * afterwards would be reported by `Register` without being served.
 */
export function sealProviders(plugin: object): void {
  sealedPlugins.add(plugin);
}

function invalidManifest(name: string, problems: readonly ConfigProblem[]): AgentwireError {
  return new AgentwireError("invalid_argument", `invalid plugin ${JSON.stringify(name)}: ${formatProblems(problems)}`, {
    details: { fields: Object.fromEntries(problems.map((p) => [p.field, p.problem])) },
  });
}

/**
 * An AgentPlatform plugin: its name, version and manifest, the config the platform registered it with,
 * its health, and the providers (tools, LLM, views, lifecycle hooks) that make up its capabilities. Serve
 * it with `servePlugin(plugin)`; test it in-process with `@agentwire/agentplatform/testing`.
 *
 * ```ts
 * const plugin = new Plugin({
 *   name: "weather",
 *   version: "1.2.0",
 *   manifest: {
 *     description: "Current weather and forecasts",
 *     author: "Acme Weather",
 *     configSchema: {
 *       api_key_env: { type: "string", required: true, description: "Env var holding the API key" },
 *       units: { type: "string", options: ["metric", "imperial"], default: "metric" },
 *       max_results: { type: "number", default: 5 },
 *     },
 *   },
 * });
 * // After the platform's Register: plugin.config.units is "metric" | "imperial", max_results a number.
 * await servePlugin(plugin);
 * ```
 */
export class Plugin<const S extends ConfigSchema = Record<never, never>> {
  readonly name: string;
  readonly version: string;
  /** The manifest as given, with `type` defaulted to `remote`. */
  readonly manifest: PluginManifest<S> & { readonly type: PluginType };
  /** The manifest rendered as HCL: what `GetManifest` returns. */
  readonly manifestHcl: string;
  private readonly schema: ConfigSchema;
  private readonly metadata: Readonly<Record<string, string>>;
  // Held with the schema erased: a callback typed by S would make Plugin<S> invariant in S, and no
  // Plugin<S> could be passed where any plugin is taken (AnyPlugin). It is only ever called with S's config.
  private readonly onRegister: ErasedRegisterHook | undefined;
  private readonly healthCheck: PluginOptions<S>["health"];
  private readonly attached: PluginProvider[] = [];
  private readonly healthListeners = new Set<() => void>();
  private state: RegisteredState<S> | undefined;
  private servingFlag = true;

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
    this.metadata = { ...options.metadata };
    this.onRegister = options.onRegister as ErasedRegisterHook | undefined;
    this.healthCheck = options.health;
  }

  /** The providers attached, in order. */
  get providers(): readonly PluginProvider[] {
    return this.attached;
  }

  /** What `Register` reports: each attached provider's capability, once, in the enum's order. */
  get capabilities(): Capability[] {
    return [...new Set(this.attached.map((p) => p.capability))].sort((a, b) => a - b);
  }

  /**
   * Attaches a provider, adding its capability and service. Refused once the plugin is being served (its
   * routes are fixed then), for a service already attached, and for a capability the platform does not
   * define.
   */
  addProvider(provider: PluginProvider): this {
    if (sealedPlugins.has(this)) {
      throw new AgentwireError(
        "failed_precondition",
        `cannot add a ${provider.service.typeName} provider to plugin ${JSON.stringify(this.name)}: it is already served (attach providers before servePlugin or createPluginRoutes)`,
      );
    }
    if (!Object.values(Capability).includes(provider.capability) || provider.capability === Capability.CAPABILITY_UNSPECIFIED) {
      throw new AgentwireError(
        "invalid_argument",
        `provider for ${provider.service.typeName}: capability ${String(provider.capability)} is not one of LLM_PROVIDER, TOOL_PROVIDER, LIFECYCLE_HOOK, VIEW_PROVIDER`,
      );
    }
    const typeName = provider.service.typeName;
    if (reservedServices.has(typeName)) {
      throw new AgentwireError("invalid_argument", `${typeName} is served by the plugin itself; a provider cannot replace it`);
    }
    if (this.attached.some((p) => p.service.typeName === typeName)) {
      throw new AgentwireError("already_exists", `plugin ${JSON.stringify(this.name)} already has a ${typeName} provider; attach each service once`);
    }
    this.attached.push(provider);
    return this;
  }

  /** True once a `Register` has succeeded. */
  get registered(): boolean {
    return this.state !== undefined;
  }

  /**
   * The config of the last successful `Register`: defaults merged, values coerced to the schema's types.
   * Throws FAILED_PRECONDITION before the first one, since a provider that reads config then would act on
   * values the platform never sent.
   */
  get config(): ConfigValues<S> {
    return this.requireState().config;
  }

  /** `RegisterRequest.env_vars` of the last successful `Register` (empty for most local plugins). */
  get env(): Readonly<Record<string, string>> {
    return this.requireState().env;
  }

  private requireState(): RegisteredState<S> {
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
   * What the `Register` RPC does: resolves the config, runs `onRegister`, then makes the config current
   * (replacing any earlier one) and answers the name, the capabilities and the metadata.
   */
  async register(
    request: { config?: Readonly<Record<string, string>>; envVars?: Readonly<Record<string, string>> },
    context: Partial<PluginCallContext> = {},
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
    if (this.onRegister) {
      const signal = context.signal ?? new AbortController().signal;
      try {
        await untilAborted(Promise.resolve(this.onRegister({ config, env }, { signal, logger })), signal);
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
      metadata: { ...this.metadata, version: this.version, protocol_version: protocolVersion },
    };
  }

  /**
   * Turns serving on or off: while off, `Health` (and grpc.health.v1) answer NOT_SERVING whatever the
   * `health` callback says. Use it while a dependency is down, or to drain a plugin before stopping it.
   */
  setServing(serving: boolean): void {
    if (serving === this.servingFlag) return;
    this.servingFlag = serving;
    for (const listener of this.healthListeners) listener();
  }

  /** SERVING or NOT_SERVING, from `setServing` and the `health` callback (a callback that throws means NOT_SERVING). */
  async checkHealth(context: Partial<PluginCallContext> = {}): Promise<Status> {
    if (!this.servingFlag) return Status.NOT_SERVING;
    if (this.healthCheck === undefined) return Status.SERVING;
    const logger = context.logger ?? silentLogger();
    const signal = context.signal ?? new AbortController().signal;
    try {
      const ok = await untilAborted(Promise.resolve(this.healthCheck({ signal, logger })), signal);
      return ok ? Status.SERVING : Status.NOT_SERVING;
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      logger.warn({ err }, "health callback failed: answering NOT_SERVING");
      return Status.NOT_SERVING;
    }
  }

  /** True when health comes from a callback, whose answer can change without `setServing` (watchers poll it). */
  get hasHealthCallback(): boolean {
    return this.healthCheck !== undefined;
  }

  /** Calls `listener` whenever `setServing` changes the flag; returns the function that unsubscribes. */
  onHealthChange(listener: () => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }
}
