// `agentwire-host serve`: the state, the processes it starts, the two engines and the JSON API, started in
// that order and stopped in the reverse one.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AgentwireError, messageOf, parseHostPort, parseHttpUrl } from "@agentwire/core";
import { startApi } from "./api.js";
import { AgentPlatformEngine } from "./agentplatform/engine.js";
import { loadWorkspace, type Workspace } from "./agentplatform/workspace.js";
import { ActiveWorkflowEngine } from "./aw-engine.js";
import type { CommandSpec, HostConfig } from "./config.js";
import { EventBus } from "./events.js";
import { FlyteEngine } from "./flyte-engine.js";
import { HostStore } from "./store.js";
import { Supervisor, type SupervisedSpec, type SupervisedStatus } from "./supervisor.js";

/** What `startHost` takes. */
export interface HostOptions {
  readonly config: HostConfig;
  /** The API token. Default: `AGENTWIRE_HOST_TOKEN`, else the one in the state directory, else a new one. */
  readonly token?: string;
  /** Where the lines for a person go. Default: none. */
  readonly print?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** A running host. */
export interface RunningHost {
  /** The API's base URL, e.g. `http://127.0.0.1:7700`. */
  readonly url: string;
  readonly token: string;
  /** Where the token was written, when the state is a file. */
  readonly tokenFile?: string;
  readonly store: HostStore;
  readonly flyte: FlyteEngine;
  readonly activeworkflow: ActiveWorkflowEngine;
  readonly agentplatform: AgentPlatformEngine;
  readonly supervisor: Supervisor;
  readonly events: EventBus;
  /** Stops everything: the API, the engines (tasks stay in the store), the processes it started, the store. */
  close(): Promise<void>;
}

/** The token: given, from the environment, from the state directory, or new (and then written there). */
function tokenFor(config: HostConfig, given: string | undefined, env: NodeJS.ProcessEnv): { token: string; file?: string; source: string } {
  if (given) return { token: given, source: "given" };
  if (env.AGENTWIRE_HOST_TOKEN) return { token: env.AGENTWIRE_HOST_TOKEN, source: "AGENTWIRE_HOST_TOKEN" };
  if (config.state === ":memory:") return { token: randomBytes(24).toString("base64url"), source: "generated" };
  const file = join(dirname(config.state), "host-token");
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (token.length >= 16) return { token, file, source: "state" };
  }
  const token = randomBytes(24).toString("base64url");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file, source: "generated" };
}

/** Every process to start: one per distinct command (one server may serve several agents). */
function processSpecs(config: HostConfig): SupervisedSpec[] {
  const specs = new Map<string, SupervisedSpec>();
  const add = (key: string, command: CommandSpec, ready: { host: string; port: number }) => {
    const identity = JSON.stringify([command.command, command.cwd, command.env]);
    if (specs.has(identity)) return;
    specs.set(identity, { key, command: command.command, env: command.env, cwd: command.cwd, ready });
  };
  for (const c of [...(config.flyte.defaultConnector ? [config.flyte.defaultConnector] : []), ...config.flyte.connectors]) {
    if (c.command) add(c.id === "defaultConnector" ? "flyte.defaultConnector" : `flyte.connectors.${c.id}`, c.command, parseHostPort(c.endpoint, `flyte.connectors.${c.id}.endpoint`));
  }
  for (const [i, a] of config.activeworkflow.agents.entries()) {
    if (a.command) add(`activeworkflow.agents[${i}]`, a.command, parseHttpUrl(a.url, `activeworkflow.agents[${i}].url`));
  }
  return [...specs.values()];
}

/** Starts the host: state, processes, engines, API. Throws (after stopping what it started) when the API cannot listen. */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { config } = options;
  const env = options.env ?? process.env;
  const print = options.print ?? (() => {});
  // Workspace files are read before anything starts: one that cannot be used stops the host naming its line.
  const workspaces: Workspace[] = [];
  for (const [i, path] of config.agentplatform.workspaces.entries()) {
    try {
      workspaces.push(await loadWorkspace(path));
    } catch (err) {
      throw new AgentwireError("invalid_argument", `${messageOf(err)}${config.agentplatform.where[i] ? `\n(the workspace named at ${config.agentplatform.where[i]})` : ""}`);
    }
  }
  const duplicate = workspaces.find((w, i) => workspaces.findIndex((x) => x.id === w.id) !== i);
  if (duplicate) throw new AgentwireError("invalid_argument", `two workspace files declare workspace "${duplicate.id}"; workspace ids must be unique`);
  const store = new HostStore(config.state);
  const events = new EventBus();
  const supervisor = new Supervisor({
    ledger: store.processes,
    onChange: (status: SupervisedStatus) => {
      events.emit("process", status.key, { state: status.state, ...(status.pid ? { pid: status.pid } : {}), restarts: status.restarts });
      if (status.state === "backoff") print(`process ${status.key} exited (${status.lastExit?.signal ?? `code ${status.lastExit?.code}`}); restarting it`);
    },
  });
  const flyte = new FlyteEngine(config.flyte, store, events, print);
  const activeworkflow = new ActiveWorkflowEngine(config.activeworkflow, store, events, print);
  const agentplatform = new AgentPlatformEngine(workspaces, store, supervisor, events, { healthIntervalMs: config.agentplatform.healthIntervalMs, log: print });
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  const stopAll = async () => {
    await api?.close().catch(() => {});
    await Promise.allSettled([flyte.stop(), activeworkflow.stop(), agentplatform.stop()]);
    await supervisor.stopAll();
    store.close();
  };
  try {
    for (const orphan of await supervisor.reapOrphans()) {
      if (orphan.outcome === "stopped") print(`stopped ${orphan.key} (pid ${orphan.pid}), left running by a host that did not stop cleanly`);
    }
    const specs = processSpecs(config);
    await Promise.all(
      specs.map(async (spec) => {
        try {
          const status = await supervisor.start(spec);
          print(`started ${spec.key}: ${spec.command} (pid ${status.pid}, ${status.address ? `${status.address.host}:${status.address.port}` : "?"})`);
        } catch (err) {
          print(`could not start ${spec.key}: ${messageOf(err)}`);
        }
      }),
    );
    await flyte.start();
    await activeworkflow.start();
    await agentplatform.start();
    const { token, file: tokenFile, source } = tokenFor(config, options.token, env);
    api = await startApi({
      host: config.http.host,
      port: config.http.port,
      token,
      flyte,
      activeworkflow,
      agentplatform,
      events,
      processes: () => supervisor.status(),
      health: () => ({
        persistence: store.persistent ? store.path : ":memory: (nothing survives a restart)",
        flyte: { connectors: flyte.connectorStates(), taskTypes: flyte.agents().length, ...flyte.stats() },
        activeworkflow: { agents: activeworkflow.agentViews().map((a) => ({ url: a.url, state: a.state, ...(a.name ? { name: a.name } : {}) })) },
        agentplatform: {
          platformHost: agentplatform.platformHostAddress || null,
          workspaces: agentplatform.workspaceViews().map((w) => ({ id: w.id, plugins: w.plugins.map((p) => ({ name: p.name, state: p.state })) })),
        },
      }),
    });
    const url = api.url;
    print(`agentwire-host is serving`);
    print(`  API:         ${url}/api  (Authorization: Bearer ${token})${source === "AGENTWIRE_HOST_TOKEN" ? "  token from AGENTWIRE_HOST_TOKEN" : tokenFile ? `  token in ${tokenFile}` : ""}`);
    print(store.persistent ? `  Persistence: ${store.path}` : `  warning: state is :memory:; tasks, instances and messages are lost when the host stops. Set state: to a file to keep them.`);
    if (config.file === undefined) {
      print(`  Configuration: none (empty). Give --config agentwire-host.yaml with flyte.connectors and activeworkflow.agents to run agents; docs/host.md has an example.`);
    } else {
      print(`  Configuration: ${config.file}`);
    }
    for (const c of flyte.connectorStates()) print(`  Flyte connector ${c.id} at ${c.endpoint}: ${c.state}${c.lastError ? ` (${c.lastError})` : ""}`);
    for (const row of flyte.agents()) print(`    ${row.taskType} v${row.version} (${row.mode}) → ${row.connector}`);
    for (const a of activeworkflow.agentViews()) print(`  ActiveWorkflow agent ${a.url}: ${a.state}${a.name ? ` as ${a.name}` : ""}${a.error ? ` (${a.error})` : ""}`);
    for (const i of activeworkflow.instances()) print(`    instance ${i.name} (${i.type}): ${i.state}, schedule ${i.schedule}`);
    for (const w of agentplatform.workspaceViews()) {
      print(`  AgentPlatform workspace ${w.id} (${w.file}), PlatformHost at ${agentplatform.platformHostAddress}; chat: POST ${url}/api/v1/workspaces/${w.id}/chat`);
      for (const p of w.plugins) print(`    plugin ${p.name} (${p.kind}${p.pid ? `, pid ${p.pid}` : ""}${p.address ? `, ${p.address}` : ""}): ${p.state}${p.error ? ` (${p.error.split("\n")[0]})` : ""}`);
    }
    print(`Ready. Try: curl -H "Authorization: Bearer ${token}" ${url}/api/health   (Ctrl-C stops the host)`);
    const close = async () => {
      await stopAll();
    };
    return { url, token, ...(tokenFile ? { tokenFile } : {}), store, flyte, activeworkflow, agentplatform, supervisor, events, close };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
