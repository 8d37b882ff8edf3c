// The AgentPlatform engine: the workspaces of the configuration, their plugins, the agent loop, the settings
// they keep, and the PlatformHost service plugins call back (a chat view relays its conversations to it).
import { randomBytes } from "node:crypto";
import { createServer, type Http2Server } from "node:http2";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { PlatformHostService } from "@agentwire/agentplatform";
import { AgentwireError, hostPort, listenGracefully, messageOf } from "@agentwire/core";
import { toConnectError } from "@agentwire/core/grpc";
import type { EventBus } from "../events.js";
import type { HostStore } from "../store.js";
import type { Supervisor } from "../supervisor.js";
import { AgentLoop, type ConversationEvent, type ConversationRequest } from "./loop.js";
import { WorkspacePlugins, type PluginView, type SettingsStore } from "./plugins.js";
import type { Workspace } from "./workspace.js";

export interface ConversationView {
  id: string;
  workspace: string;
  agent: string;
  input: string;
  source: string;
  status: "running" | "completed" | "failed" | "canceled";
  createdAt: string;
  endedAt: string | null;
  events?: Array<ConversationEvent & { n: number; at: string }>;
}

interface Loaded {
  workspace: Workspace;
  plugins: WorkspacePlugins;
  loop: AgentLoop;
}

/** The AgentPlatform side of the host. */
export class AgentPlatformEngine {
  private readonly loaded = new Map<string, Loaded>();
  private server: Http2Server | undefined;
  private close: (() => Promise<void>) | undefined;
  /** `127.0.0.1:<port>` of PlatformHost, once started. */
  platformHostAddress = "";
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly workspaces: Workspace[],
    private readonly store: HostStore,
    private readonly supervisor: Supervisor,
    private readonly events: EventBus,
    private readonly options: { healthIntervalMs: number; log: (line: string) => void },
  ) {}

  readonly settings: SettingsStore = {
    get: (workspace, plugin) => {
      const row = this.store.db.prepare("SELECT settings FROM ap_settings WHERE workspace = ? AND plugin = ?").get(workspace, plugin) as { settings: string } | undefined;
      return row === undefined ? {} : (JSON.parse(row.settings) as Record<string, string>);
    },
    put: (workspace, plugin, settings) => {
      this.store.db
        .prepare("INSERT INTO ap_settings (workspace, plugin, settings, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (workspace, plugin) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at")
        .run(workspace, plugin, JSON.stringify(settings), new Date().toISOString());
    },
  };

  /** PlatformHost first (plugins are given its address), then every workspace's plugins. */
  async start(): Promise<void> {
    if (this.workspaces.length === 0) return;
    const routes = (router: ConnectRouter) => {
      router.service(PlatformHostService, {
        runConversation: (req, ctx) => this.runConversationRpc(req.workspaceId, { input: req.input, history: req.history.map((m) => ({ role: m.role, content: m.content })) }, ctx.signal),
      });
    };
    this.server = createServer(connectNodeAdapter({ routes }));
    const listening = await listenGracefully(this.server, 0, "127.0.0.1");
    this.close = () => listening.close();
    this.platformHostAddress = hostPort(listening.host, listening.port);
    for (const workspace of this.workspaces) {
      const plugins = new WorkspacePlugins(workspace, {
        supervisor: this.supervisor,
        settings: this.settings,
        events: this.events,
        platformHostAddress: this.platformHostAddress,
        healthIntervalMs: this.options.healthIntervalMs,
        log: this.options.log,
      });
      this.loaded.set(workspace.id, { workspace, plugins, loop: new AgentLoop(workspace, plugins) });
    }
    await Promise.all([...this.loaded.values()].map((l) => l.plugins.start()));
  }

  private async *runConversationRpc(workspaceId: string, request: ConversationRequest, signal: AbortSignal) {
    let loaded: Loaded;
    try {
      loaded = this.get(workspaceId);
    } catch (err) {
      throw toConnectError(err);
    }
    const queue: ConversationEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const finished = this.converse(loaded, request, "PlatformHost", (e) => {
      queue.push(e);
      wake?.();
    }, signal).finally(() => {
      done = true;
      wake?.();
    });
    for (;;) {
      while (queue.length > 0) {
        const e = queue.shift()!;
        yield {
          type: e.type,
          agent: e.agent,
          content: e.content ?? "",
          tool: e.tool ?? "",
          args: e.args ?? "",
          result: e.result ?? "",
          isError: e.is_error ?? false,
          target: e.target ?? "",
          errorMessage: e.error_message ?? "",
        };
      }
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    await finished;
  }

  get(workspaceId: string): Loaded {
    const loaded = this.loaded.get(workspaceId);
    if (loaded === undefined) {
      throw new AgentwireError("not_found", `no workspace "${workspaceId}" (the host loaded ${[...this.loaded.keys()].join(", ") || "none"}; list workspace files under agentplatform.workspaces)`);
    }
    return loaded;
  }

  /** Runs one conversation, storing it and each event; `emit` sees every event as it happens. */
  async converse(loaded: Loaded, request: ConversationRequest, source: string, emit: (e: ConversationEvent) => void, signal?: AbortSignal): Promise<string> {
    const id = `c-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    const agent = request.agent ?? loaded.workspace.agents[0]?.name ?? "";
    this.store.db
      .prepare("INSERT INTO ap_conversations (id, workspace, agent, input, source, status, created_at) VALUES (?, ?, ?, ?, ?, 'running', ?)")
      .run(id, loaded.workspace.id, agent, request.input, source, new Date().toISOString());
    this.events.emit("agentplatform.conversation", id, { workspace: loaded.workspace.id, status: "running" });
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.running.add(controller);
    let n = 0;
    const insert = this.store.db.prepare("INSERT INTO ap_events (conversation, n, at, event) VALUES (?, ?, ?, ?)");
    const status = await loaded.loop.run(
      request,
      (event) => {
        insert.run(id, n++, new Date().toISOString(), JSON.stringify(event));
        if (event.type !== "content") this.events.emit("agentplatform.conversation", id, { workspace: loaded.workspace.id, event: event.type });
        emit(event);
      },
      controller.signal,
    );
    signal?.removeEventListener("abort", onAbort);
    this.running.delete(controller);
    this.store.db.prepare("UPDATE ap_conversations SET status = ?, ended_at = ? WHERE id = ?").run(status, new Date().toISOString(), id);
    this.events.emit("agentplatform.conversation", id, { workspace: loaded.workspace.id, status });
    return id;
  }

  conversations(workspaceId: string, limit = 50): ConversationView[] {
    this.get(workspaceId);
    return (this.store.db.prepare("SELECT * FROM ap_conversations WHERE workspace = ? ORDER BY created_at DESC LIMIT ?").all(workspaceId, limit) as ConversationRow[]).map(viewOf);
  }

  conversation(workspaceId: string, id: string): ConversationView {
    this.get(workspaceId);
    const row = this.store.db.prepare("SELECT * FROM ap_conversations WHERE workspace = ? AND id = ?").get(workspaceId, id) as ConversationRow | undefined;
    if (row === undefined) throw new AgentwireError("not_found", `no conversation "${id}" in workspace ${workspaceId}; GET /api/v1/workspaces/${workspaceId}/conversations lists them`);
    const events = (this.store.db.prepare("SELECT n, at, event FROM ap_events WHERE conversation = ? ORDER BY n").all(id) as Array<{ n: number; at: string; event: string }>).map((e) => ({
      n: e.n,
      at: e.at,
      ...(JSON.parse(e.event) as ConversationEvent),
    }));
    return { ...viewOf(row), events };
  }

  workspaceViews(): Array<{ id: string; file: string; agents: string[]; plugins: PluginView[] }> {
    return [...this.loaded.values()].map((l) => ({ id: l.workspace.id, file: l.workspace.file, agents: l.workspace.agents.map((a) => a.name), plugins: l.plugins.views() }));
  }

  /** The settings API's `GET …/settings`: each plugin with its schema fields and its saved settings. */
  settingsOf(workspaceId: string): Array<{ name: string; schema: Array<Record<string, unknown>>; settings: Record<string, string>; effective: Record<string, string> }> {
    const { plugins } = this.get(workspaceId);
    return plugins.names().map((name) => ({
      name,
      schema: plugins.manifest(name)?.fields ?? [],
      settings: this.settings.get(workspaceId, name),
      // Ours: what Register is sent, manifest defaults → settings → the workspace's config {}.
      effective: plugins.mergedConfig(name),
    }));
  }

  /** `PUT …/settings/{plugin}`: validated against the schema with the merge the plugin gets, saved, and the plugin registered again. */
  async saveSettings(workspaceId: string, plugin: string, settings: Record<string, string>): Promise<{ fields?: Record<string, string> }> {
    const { plugins } = this.get(workspaceId);
    if (!plugins.names().includes(plugin)) throw new AgentwireError("not_found", `no plugin "${plugin}" in workspace ${workspaceId} (it has ${plugins.names().join(", ")})`);
    if (plugins.manifest(plugin) === undefined) throw new AgentwireError("unavailable", `plugin ${plugin} has not answered GetManifest yet, so its config_schema is unknown; try again once it is registered`);
    const fields = plugins.configProblems(plugin, plugins.mergedConfig(plugin, settings));
    // Only problems the settings can fix are the settings' own: a field the workspace's config {} sets wins anyway.
    if (Object.keys(fields).length > 0) return { fields };
    this.settings.put(workspaceId, plugin, settings);
    this.events.emit("agentplatform.settings", `${workspaceId}/${plugin}`, { saved: true });
    try {
      await plugins.reRegister(plugin);
    } catch (err) {
      this.options.log(`agentplatform: ${workspaceId}: plugin ${plugin} did not register with its new settings: ${messageOf(err)}`);
    }
    return {};
  }

  async stop(): Promise<void> {
    for (const l of this.loaded.values()) l.plugins.stop();
    for (const c of this.running) c.abort();
    await this.close?.();
  }
}

interface ConversationRow {
  id: string;
  workspace: string;
  agent: string;
  input: string;
  source: string;
  status: ConversationView["status"];
  created_at: string;
  ended_at: string | null;
}

function viewOf(row: ConversationRow): ConversationView {
  return { id: row.id, workspace: row.workspace, agent: row.agent, input: row.input, source: row.source, status: row.status, createdAt: row.created_at, endedAt: row.ended_at };
}
