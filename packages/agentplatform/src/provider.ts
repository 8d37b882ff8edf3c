// What the four provider classes share: how a provider is attached to exactly one plugin (through the
// plugin's `providers` option, the only way), how the plugin's servers find the service it answers, and the
// list of providers made but never attached (serve warns, naming their classes).
import type { DescService } from "@bufbuild/protobuf";
import { AgentwireError, type Logger } from "@agentwire/core";
import type { AnyServiceTable } from "@agentwire/core/grpc";
import type { ConfigSchema, ConfigValues } from "./config-schema.js";
import { Capability } from "./gen/agentplatform/v1/plugin_pb.js";
import type { ContextSource } from "./plugin-context.js";

/** The four kinds of provider, one per capability. */
export type ProviderKind = "ToolProvider" | "LLMProvider" | "ViewProvider" | "LifecycleHook";

/** What a provider's service is built with, once per server or test transport. */
export interface ProviderRuntime {
  /** The plugin the provider is attached to: its name, registration and PlatformHost client. */
  readonly plugin: ContextSource;
  /** The server's logger. */
  readonly logger: Logger;
}

interface ProviderWiring {
  readonly kind: ProviderKind;
  readonly service: DescService;
  readonly className: string;
  readonly table: (runtime: ProviderRuntime) => AnyServiceTable;
  attachedTo: string | undefined;
}

const wirings = new WeakMap<object, ProviderWiring>();

/**
 * Providers made and not (yet) attached, held weakly: `serve` warns about the ones still alive. One that is
 * dropped (a stray instance, the providers of a refused `new Plugin`) is forgotten when it is collected,
 * so it neither breaks nor haunts a later, unrelated `serve`.
 */
const unattached = new Set<WeakRef<object>>();
const unattachedRefs = new WeakMap<object, WeakRef<object>>();
const collected = new FinalizationRegistry<WeakRef<object>>((ref) => unattached.delete(ref));

function forgetUnattached(provider: object): void {
  const ref = unattachedRefs.get(provider);
  if (ref === undefined) return;
  unattached.delete(ref);
  unattachedRefs.delete(provider);
  collected.unregister(ref);
}

declare const configType: unique symbol;

/**
 * A provider that fits a plugin whose config schema is `S`: an instance of a `ToolProvider`,
 * `LLMProvider`, `ViewProvider` or `LifecycleHook` subclass declared for `S` or for fewer of its fields.
 * This is what `new Plugin({ providers: [...] })` takes.
 */
export interface PluginProvider<S extends ConfigSchema = ConfigSchema> {
  /** The capability `Register` reports for this provider. */
  readonly capability: Capability;
  /**
   * Only a type, never set: the config the provider's handlers read (a provider for fewer fields fits a
   * plugin with more). It also keeps objects that merely look like a provider out.
   */
  readonly [configType]: (config: ConfigValues<S>) => void;
}

/** The shared base of the four provider classes. Not exported: authors extend one of the four. */
export abstract class ProviderBase<S extends ConfigSchema> implements PluginProvider<S> {
  declare readonly [configType]: (config: ConfigValues<S>) => void;
  /** The capability `Register` reports for this provider. */
  abstract readonly capability: Capability;

  protected constructor(kind: ProviderKind, service: DescService, table: (runtime: ProviderRuntime) => AnyServiceTable) {
    wirings.set(this, { kind, service, className: new.target.name || kind, table, attachedTo: undefined });
    const ref = new WeakRef<object>(this);
    unattached.add(ref);
    unattachedRefs.set(this, ref);
    collected.register(this, ref, ref);
  }
}

function wiringOf(provider: unknown): ProviderWiring | undefined {
  return typeof provider === "object" && provider !== null ? wirings.get(provider) : undefined;
}

/** `FileTools (a ToolProvider)`: how messages name a provider. */
export function describeProvider(provider: unknown): string {
  const wiring = wiringOf(provider);
  if (wiring === undefined) return "a provider";
  return wiring.className === wiring.kind ? wiring.kind : `${wiring.className} (a ${wiring.kind})`;
}

/** The kind of a provider, or undefined for anything that is not one. */
export function providerKind(provider: unknown): ProviderKind | undefined {
  return wiringOf(provider)?.kind;
}

/** The gRPC service a provider answers. */
export function providerService(provider: object): DescService {
  return wiringOf(provider)!.service;
}

/** Builds the provider's service table for one server or transport. */
export function providerTable(provider: object, runtime: ProviderRuntime): AnyServiceTable {
  return wiringOf(provider)!.table(runtime);
}

/**
 * Refuses what cannot be attached to the plugin named `plugin`: a value that is not a provider, or a
 * provider already attached (a provider reads its plugin's config, so it cannot serve two).
 */
export function checkAttachable(provider: unknown, plugin: string, where: string): void {
  const wiring = wiringOf(provider);
  if (wiring === undefined) {
    throw new AgentwireError(
      "invalid_argument",
      `plugin ${JSON.stringify(plugin)}: ${where} is not a provider; pass instances of classes that extend ToolProvider, LLMProvider, ViewProvider or LifecycleHook (e.g. providers: [new FileTools()])`,
    );
  }
  if (wiring.attachedTo !== undefined) {
    throw new AgentwireError(
      "failed_precondition",
      `plugin ${JSON.stringify(plugin)}: ${describeProvider(provider)} is already attached to plugin ${JSON.stringify(wiring.attachedTo)}; a provider reads its plugin's config, so make one instance per plugin`,
    );
  }
}

/** Attaches a provider (checked with `checkAttachable`) to the plugin named `plugin`. */
export function attachProvider(provider: object, plugin: string): void {
  wiringOf(provider)!.attachedTo = plugin;
  forgetUnattached(provider);
}

/**
 * Refuses a declaration (a tool, a view, a hook handler) on a provider that is already attached: the
 * platform lists a plugin's tools and views once, after Register, so they are declared in the class body
 * (or its constructor), before the provider is given to its plugin.
 */
export function checkDeclarable(provider: object, what: string): void {
  const plugin = wiringOf(provider)?.attachedTo;
  if (plugin !== undefined) {
    throw new AgentwireError(
      "failed_precondition",
      `cannot declare ${what} on ${describeProvider(provider)}: it is already attached to plugin ${JSON.stringify(plugin)}; declare it in the class body or the constructor`,
    );
  }
}

/**
 * A declaration failed: the provider's constructor is throwing, so the half-made object is not a
 * provider anyone can attach, and `serve` should not report it as forgotten.
 */
export function declarationFailed(provider: object, error: unknown): never {
  forgetUnattached(provider);
  throw error;
}

/** The providers made in this process, never attached to a plugin and still alive, by description. */
export function unattachedProviders(): string[] {
  const alive: string[] = [];
  for (const ref of unattached) {
    const provider = ref.deref();
    if (provider === undefined) unattached.delete(ref);
    else alive.push(describeProvider(provider));
  }
  return alive;
}
