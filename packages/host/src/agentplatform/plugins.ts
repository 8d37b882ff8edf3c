// The plugins of one workspace, as AgentPlatform loads them: a remote plugin by its address, a local one
// started as a subprocess (AGENTPLATFORM_PLUGIN=local, the workspace env, PLATFORM_HOST_ADDR) and found
// through its handshake line. Each is asked for its manifest, registered with its merged config (manifest
// defaults → settings → the workspace's `config {}`, later wins, checked against `config_schema`), checked
// (the name Register answers must be the block's), listed (tools, views) and polled (Health). A local plugin
// that exits or stops answering is restarted with backoff and registered again. Every call goes through the
// PluginDriver of @agentwire/agentplatform/testing.
import { parse as parseHcl } from "@cdktf/hcl2json";
import { Code, ConnectError } from "@connectrpc/connect";
import { resolveConfig, type ConfigField, type ConfigSchema } from "@agentwire/agentplatform";
import { Capability, createPluginDriver, parseHandshake, Status, type ListedTool, type PluginDriver } from "@agentwire/agentplatform/testing";
import { AgentwireError, messageOf } from "@agentwire/core";
import type { EventBus } from "../events.js";
import type { Supervisor, SupervisedStatus } from "../supervisor.js";
import type { Workspace, WorkspacePlugin } from "./workspace.js";

/** What the manifest says (GetManifest's HCL, parsed). */
export interface ManifestInfo {
  version?: string;
  description?: string;
  author?: string;
  type?: string;
  schema: ConfigSchema;
  /** The fields as the settings API shows them: `[{name, type, required, default, options, …}]`. */
  fields: Array<Record<string, unknown>>;
}

/** A plugin as the API shows it. */
export interface PluginView {
  name: string;
  kind: "local" | "remote";
  state: "starting" | "registered" | "restarting" | "unhealthy" | "failed";
  address?: string;
  pid?: number;
  restarts: number;
  capabilities: string[];
  tools: string[];
  views: string[];
  version?: string;
  error?: string;
  /** The last lines it wrote to stderr (a local plugin's JSON logs). */
  logs: string[];
}

interface Connected {
  spec: WorkspacePlugin;
  driver?: PluginDriver;
  address?: string;
  manifest?: ManifestInfo;
  capabilities: Capability[];
  tools: ListedTool[];
  views: Array<{ name: string; label: string; routes: Array<{ method: string; path: string }> }>;
  state: PluginView["state"];
  error?: string;
  healthFailures: number;
  /** Serialises (re)registration. */
  registering?: Promise<void>;
}

/** Where settings live (the host's SQLite store implements it). */
export interface SettingsStore {
  get(workspace: string, plugin: string): Record<string, string>;
  put(workspace: string, plugin: string, settings: Record<string, string>): void;
}

const capabilityNames: Record<number, string> = {
  [Capability.LLM_PROVIDER]: "LLM_PROVIDER",
  [Capability.TOOL_PROVIDER]: "TOOL_PROVIDER",
  [Capability.LIFECYCLE_HOOK]: "LIFECYCLE_HOOK",
  [Capability.VIEW_PROVIDER]: "VIEW_PROVIDER",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** GetManifest's HCL → the manifest's attributes and its `config_schema` as a ConfigSchema. */
export async function parseManifest(hcl: string, pluginName: string): Promise<ManifestInfo> {
  const json = (await parseHcl(`${pluginName}-manifest.hcl`, hcl)) as Record<string, unknown>;
  const plugins = isObject(json.plugin) ? Object.values(json.plugin) : [];
  const body = (Array.isArray(plugins[0]) ? plugins[0][0] : undefined) as Record<string, unknown> | undefined;
  const schema: Record<string, ConfigField> = {};
  const fields: Array<Record<string, unknown>> = [];
  const blocks = body && Array.isArray(body.config_schema) ? body.config_schema : [];
  // hcl2json sorts labels: the manifest's own field order is the one the settings form shows.
  const position = (name: string) => {
    const at = hcl.search(new RegExp(`field\\s+"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  for (const block of blocks) {
    const fieldMap = isObject(block) && isObject(block.field) ? block.field : {};
    for (const [name, defs] of Object.entries(fieldMap).sort(([a], [b]) => position(a) - position(b))) {
      const f = (Array.isArray(defs) ? defs[0] : defs) as Record<string, unknown>;
      const type = f.type === "number" || f.type === "bool" ? f.type : "string";
      const base = {
        ...(f.required === true ? { required: true } : {}),
        ...(typeof f.description === "string" ? { description: f.description } : {}),
        ...(typeof f.placeholder === "string" ? { placeholder: f.placeholder } : {}),
        ...(typeof f.api_source === "string" ? { apiSource: f.api_source } : {}),
      };
      const def = typeof f.default === "string" || typeof f.default === "number" || typeof f.default === "boolean" ? String(f.default) : undefined;
      if (type === "number") {
        schema[name] = {
          type,
          ...base,
          ...(def !== undefined && def !== "" && Number.isFinite(Number(def)) ? { default: Number(def) } : {}),
          ...(Array.isArray(f.options) ? { options: f.options.map(Number) } : {}),
          ...(typeof f.pattern === "string" ? { pattern: f.pattern } : {}),
        };
      } else if (type === "bool") {
        schema[name] = { type, ...base, ...(def !== undefined ? { default: /^(1|t|true)$/i.test(def) } : {}) };
      } else {
        schema[name] = {
          type,
          ...base,
          ...(def !== undefined ? { default: def } : {}),
          ...(Array.isArray(f.options) ? { options: f.options.map(String) } : {}),
          ...(typeof f.pattern === "string" ? { pattern: f.pattern } : {}),
        };
      }
      fields.push({ name, ...f, type });
    }
  }
  const str = (k: string) => (body && typeof body[k] === "string" ? { [k]: body[k] } : {});
  return { ...str("version"), ...str("description"), ...str("author"), ...str("type"), schema, fields };
}

/** The plugins of one workspace. */
export class WorkspacePlugins {
  private readonly plugins = new Map<string, Connected>();
  private healthTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly workspace: Workspace,
    private readonly options: {
      supervisor: Supervisor;
      settings: SettingsStore;
      events: EventBus;
      platformHostAddress: string;
      healthIntervalMs: number;
      log: (line: string) => void;
    },
  ) {
    for (const spec of workspace.plugins) {
      this.plugins.set(spec.name, { spec, capabilities: [], tools: [], views: [], state: "starting", healthFailures: 0 });
    }
  }

  private key(name: string): string {
    return `agentplatform.${this.workspace.id}.${name}`;
  }

  /** Starts or connects every plugin (in parallel) and registers it; a plugin that fails is reported and the others still run. */
  async start(): Promise<void> {
    await Promise.all([...this.plugins.values()].map((p) => this.bringUp(p)));
    this.armHealth();
  }

  private async bringUp(p: Connected): Promise<void> {
    try {
      if (p.spec.source.kind === "local") {
        const status = await this.options.supervisor.start({
          key: this.key(p.spec.name),
          command: p.spec.source.command,
          cwd: p.spec.source.cwd,
          env: { ...this.workspace.env, AGENTPLATFORM_PLUGIN: "local", PLATFORM_HOST_ADDR: this.options.platformHostAddress, PORT: "" },
          ready: {
            handshake: (line) => {
              const { address } = parseHandshake(line);
              const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
              return { host: host.replace(/^\[|\]$/g, ""), port };
            },
          },
          readyTimeoutMs: 60_000,
          keepLines: 200,
          onChange: (s) => this.onProcess(p, s),
        });
        p.address = `${status.address!.host}:${status.address!.port}`;
      } else {
        p.address = `${p.spec.source.host}:${p.spec.source.port}`;
      }
      await this.register(p);
    } catch (err) {
      this.fail(p, messageOf(err));
    }
  }

  private onProcess(p: Connected, status: SupervisedStatus): void {
    if (this.stopped) return;
    if (status.state === "backoff") {
      p.state = "restarting";
      p.error = `it exited (${status.lastExit?.signal ?? `code ${status.lastExit?.code}`}); restarting it`;
      this.options.events.emit("agentplatform.plugin", `${this.workspace.id}/${p.spec.name}`, { state: p.state, error: p.error });
      this.options.log(`agentplatform: plugin ${p.spec.name} ${p.error}`);
    } else if (status.state === "running" && status.restarts > 0 && status.address) {
      p.address = `${status.address.host}:${status.address.port}`;
      void this.register(p).catch((err: unknown) => this.fail(p, messageOf(err)));
    }
  }

  private fail(p: Connected, error: string): void {
    p.state = "failed";
    p.error = error;
    this.options.events.emit("agentplatform.plugin", `${this.workspace.id}/${p.spec.name}`, { state: p.state, error });
    this.options.log(`agentplatform: plugin ${p.spec.name} (${p.spec.where}): ${error}`);
  }

  /** The merged config: manifest defaults, then settings, then the workspace's `config {}`. */
  mergedConfig(name: string, settings?: Record<string, string>): Record<string, string> {
    const p = this.get(name);
    const defaults: Record<string, string> = {};
    for (const f of p.manifest?.fields ?? []) {
      if (typeof f.default === "string" || typeof f.default === "number" || typeof f.default === "boolean") defaults[String(f.name)] = String(f.default);
    }
    return { ...defaults, ...(settings ?? this.options.settings.get(this.workspace.id, name)), ...p.spec.config };
  }

  /** Per-field problems of a config for this plugin's schema (empty when it is valid). */
  configProblems(name: string, config: Record<string, string>): Record<string, string> {
    const p = this.get(name);
    const { problems } = resolveConfig(p.manifest?.schema ?? {}, config);
    return Object.fromEntries(problems.map((pr) => [pr.field, pr.problem]));
  }

  /** GetManifest, merged config, Register (the name must match the block), ListTools, ListViews. */
  async register(p: Connected): Promise<void> {
    const run = async () => {
      const name = p.spec.name;
      p.driver = createPluginDriver({ address: p.address!, callTimeoutMs: 10_000 });
      const manifestHcl = await this.call(p, "GetManifest", () => p.driver!.manifest());
      p.manifest = await parseManifest(manifestHcl, name);
      if (p.spec.version !== undefined && p.manifest.version !== undefined && p.spec.version !== p.manifest.version) {
        throw new AgentwireError("failed_precondition", `the workspace asks for version ${p.spec.version} (${p.spec.where}), the plugin's manifest says ${p.manifest.version}`);
      }
      const config = this.mergedConfig(name);
      const problems = this.configProblems(name, config);
      if (Object.keys(problems).length > 0) {
        throw new AgentwireError("invalid_argument", `config does not fit its config_schema: ${Object.entries(problems).map(([f, why]) => `${f}: ${why}`).join("; ")} (fix the workspace's config {} or the settings)`);
      }
      const envVars = p.spec.source.kind === "remote" ? { ...this.workspace.env, PLATFORM_HOST_ADDR: this.options.platformHostAddress } : {};
      const registration = await this.call(p, "Register", () => p.driver!.register({ config, envVars }));
      if (registration.name !== name) {
        throw new AgentwireError(
          "failed_precondition",
          `the plugin block is "${name}" (${p.spec.where}) but the plugin registered as "${registration.name}"; the names must match: rename the block or the plugin`,
        );
      }
      p.capabilities = registration.capabilities;
      p.tools = p.capabilities.includes(Capability.TOOL_PROVIDER) ? await this.call(p, "ListTools", () => p.driver!.listTools()) : [];
      p.views = p.capabilities.includes(Capability.VIEW_PROVIDER)
        ? (await this.call(p, "ListViews", () => p.driver!.listViews())).map((v) => ({ name: v.name, label: v.label, routes: v.routes.map((r) => ({ method: r.method, path: r.path })) }))
        : [];
      p.state = "registered";
      delete p.error;
      p.healthFailures = 0;
      this.options.events.emit("agentplatform.plugin", `${this.workspace.id}/${name}`, { state: p.state, capabilities: p.capabilities.map((c) => capabilityNames[c]) });
      this.options.log(
        `agentplatform: ${this.workspace.id}: plugin ${name} registered (${p.capabilities.map((c) => capabilityNames[c]).join(", ") || "no capabilities"}${p.tools.length ? `; tools ${p.tools.map((t) => t.name).join(", ")}` : ""}${p.views.length ? `; views ${p.views.map((v) => v.name).join(", ")}` : ""})`,
      );
    };
    const previous = p.registering ?? Promise.resolve();
    const next = previous.then(run, run);
    p.registering = next.catch(() => {});
    return next;
  }

  /** Registers `name` again (after its settings changed). */
  async reRegister(name: string): Promise<void> {
    const p = this.get(name);
    try {
      await this.register(p);
    } catch (err) {
      this.fail(p, messageOf(err));
      throw err;
    }
  }

  /**
   * Runs one call to a plugin; a failure becomes an error naming the plugin and the call, with what its
   * process did and its last lines for a local plugin ("plugin files did not answer ExecuteTool: it exited
   * with code 1; its last lines: …").
   */
  async call<T>(p: Connected | string, what: string, fn: () => Promise<T>): Promise<T> {
    const plugin = typeof p === "string" ? this.get(p) : p;
    try {
      return await fn();
    } catch (err) {
      // A local plugin that died mid-call: the call fails a moment before its exit is seen; wait for it (2 s at
      // most) so that the message can say how it ended.
      if (err instanceof ConnectError && plugin.spec.source.kind === "local" && (err.code === Code.Unavailable || err.code === Code.Canceled)) {
        const key = this.key(plugin.spec.name);
        const pid = this.options.supervisor.statusOf(key)?.pid;
        for (let i = 0; i < 40; i++) {
          const status = this.options.supervisor.statusOf(key);
          if (status === undefined || status.state !== "running" || status.pid !== pid) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      throw this.describe(plugin, what, err);
    }
  }

  private describe(p: Connected, what: string, err: unknown): AgentwireError {
    const error = err instanceof ConnectError ? err : undefined;
    if (err instanceof AgentwireError && !error) return err;
    const status = p.spec.source.kind === "local" ? this.options.supervisor.statusOf(this.key(p.spec.name)) : undefined;
    // Its last lines, the handshake line (stdout) left out: what it logged on stderr before it went.
    const lastLines = (status?.outputTail ?? []).filter((l) => !/^1\|1\|(tcp|unix)\|/.test(l)).slice(-5);
    const exit = status?.lastExit;
    const unreachable = error !== undefined && (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded || error.code === Code.Canceled);
    let why: string;
    if (unreachable && exit !== undefined && status?.state !== "running") why = `it exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`;
    else if (error?.code === Code.DeadlineExceeded) why = "it did not answer in time";
    else if (unreachable) why = `nothing answered at ${p.address ?? "its address"} (${error.rawMessage})`;
    else why = error ? `${Code[error.code]}: ${error.rawMessage}` : messageOf(err);
    const verb = unreachable ? "did not answer" : "failed";
    return new AgentwireError(
      unreachable ? "unavailable" : "internal",
      `plugin ${p.spec.name} ${verb} ${what}: ${why}${lastLines.length > 0 ? `; its last lines:\n  ${lastLines.join("\n  ")}` : ""}`,
      { cause: err },
    );
  }

  private get(name: string): Connected {
    const p = this.plugins.get(name);
    if (p === undefined) {
      throw new AgentwireError("not_found", `no plugin "${name}" in workspace ${this.workspace.id} (it has ${[...this.plugins.keys()].join(", ") || "none"})`);
    }
    return p;
  }

  /** The plugin's driver, when it is registered; else an error saying why it cannot be called. */
  driver(name: string): PluginDriver {
    const p = this.get(name);
    if (p.state !== "registered" && p.state !== "unhealthy") {
      throw new AgentwireError("unavailable", `plugin ${name} is ${p.state}${p.error ? `: ${p.error}` : ""}`);
    }
    return p.driver!;
  }

  has(name: string, capability: Capability): boolean {
    return this.plugins.get(name)?.capabilities.includes(capability) ?? false;
  }

  /** Every registered plugin with `capability`, in workspace order. */
  withCapability(capability: Capability): string[] {
    return [...this.plugins.values()].filter((p) => p.capabilities.includes(capability) && (p.state === "registered" || p.state === "unhealthy")).map((p) => p.spec.name);
  }

  tools(name: string): ListedTool[] {
    return this.get(name).tools;
  }

  viewsOf(name: string): Connected["views"] {
    return this.get(name).views;
  }

  manifest(name: string): ManifestInfo | undefined {
    return this.get(name).manifest;
  }

  names(): string[] {
    return [...this.plugins.keys()];
  }

  views(): PluginView[] {
    return [...this.plugins.values()].map((p) => {
      const status = p.spec.source.kind === "local" ? this.options.supervisor.statusOf(this.key(p.spec.name)) : undefined;
      return {
        name: p.spec.name,
        kind: p.spec.source.kind,
        state: p.state,
        ...(p.address ? { address: p.address } : {}),
        ...(status?.pid ? { pid: status.pid } : {}),
        restarts: status?.restarts ?? 0,
        capabilities: p.capabilities.map((c) => capabilityNames[c] ?? String(c)),
        tools: p.tools.map((t) => t.name),
        views: p.views.map((v) => v.name),
        ...(p.manifest?.version ? { version: p.manifest.version } : {}),
        ...(p.error ? { error: p.error } : {}),
        logs: status?.outputTail ?? [],
      };
    });
  }

  /** Health of every registered plugin; a local one that fails three polls in a row is restarted. */
  private armHealth(): void {
    if (this.stopped) return;
    this.healthTimer = setTimeout(() => {
      void Promise.all(
        [...this.plugins.values()]
          .filter((p) => (p.state === "registered" || p.state === "unhealthy") && p.driver)
          .map(async (p) => {
            let ok = false;
            try {
              ok = (await p.driver!.health({ timeoutMs: 2000 })) === Status.SERVING;
            } catch {
              ok = false;
            }
            if (this.stopped) return;
            if (ok) {
              if (p.state === "unhealthy") p.state = "registered";
              p.healthFailures = 0;
              return;
            }
            p.healthFailures += 1;
            p.state = "unhealthy";
            p.error = `Health failed ${p.healthFailures} time(s) in a row`;
            this.options.events.emit("agentplatform.plugin", `${this.workspace.id}/${p.spec.name}`, { state: p.state, error: p.error });
            if (p.spec.source.kind === "local" && p.healthFailures >= 3) {
              this.options.log(`agentplatform: plugin ${p.spec.name} stopped answering Health; restarting it`);
              p.healthFailures = 0;
              await this.options.supervisor.restart(this.key(p.spec.name));
            }
          }),
      ).finally(() => this.armHealth());
    }, this.options.healthIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.healthTimer) clearTimeout(this.healthTimer);
  }
}
