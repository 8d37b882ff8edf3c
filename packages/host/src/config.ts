// agentwire-host.yaml: what `agentwire-host serve` runs. Flyte's keys are FlytePropeller's connector-service
// plugin's own (defaultConnector, connectors.<id>, connectorForTaskTypes, supportedTaskTypes, pollInterval,
// resyncPeriod, maxSystemFailures, durations as Go writes them); ActiveWorkflow's are its agents (by URL, or
// its REMOTE_AGENT_URL* variables), instances and links. Every refusal names the file, the line and the key
// path, through the one YAML loader of @agentwire/core/config-file.
import { dirname, isAbsolute, resolve } from "node:path";
import { AgentwireError, type JsonObject } from "@agentwire/core";
import { loadYamlFile, parseYamlText, type ConfigProblem, type LoadedYamlFile } from "@agentwire/core/config-file";
import { parseSchedule } from "./schedules.js";

/** The operations a connector's `timeouts` may name, as Propeller's config spells them. */
export const flyteOperations = ["CreateTask", "GetTask", "DeleteTask", "ExecuteTaskSync", "ListAgents"] as const;
export type FlyteOperation = (typeof flyteOperations)[number];

const durationPattern = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";
const duration = { type: "string", pattern: durationPattern, description: 'expected a duration such as "200ms", "10s", "1m30s" or "0s"' };
const endpoint = {
  type: "string",
  pattern: "^(dns:///)?(\\[[^\\]]+\\]|[^:/\\s]+):[0-9]{1,5}$",
  description: "expected HOST:PORT such as 127.0.0.1:8000 (or dns:///HOST:PORT)",
};
const stringMap = { type: "object", additionalProperties: { type: "string" } };
const processKeys = {
  command: { type: "string", minLength: 1, description: "a shell command that starts the agent server" },
  env: stringMap,
  cwd: { type: "string", minLength: 1 },
};
const deployment = {
  type: "object",
  additionalProperties: false,
  required: ["endpoint"],
  properties: {
    endpoint,
    insecure: { type: "boolean" },
    timeouts: {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries([...flyteOperations, "ListConnectors"].map((op) => [op, duration])),
    },
    defaultTimeout: duration,
    ...processKeys,
  },
};

/** The JSON Schema of agentwire-host.yaml (draft 2020-12). */
export const hostConfigSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "agentwire-host.yaml",
  type: "object",
  additionalProperties: false,
  properties: {
    state: { type: "string", minLength: 1, description: 'a SQLite file path, or ":memory:"' },
    http: {
      type: "object",
      additionalProperties: false,
      properties: {
        host: { type: "string", minLength: 1 },
        port: { type: "integer", minimum: 0, maximum: 65535 },
      },
    },
    flyte: {
      type: "object",
      additionalProperties: false,
      properties: {
        defaultConnector: deployment,
        connectors: { type: "object", additionalProperties: deployment },
        connectorForTaskTypes: { type: "object", additionalProperties: { type: "string" } },
        supportedTaskTypes: { type: "array", items: { type: "string", minLength: 1 } },
        pollInterval: duration,
        resyncPeriod: duration,
        maxSystemFailures: { type: "integer", minimum: 0 },
        workers: { type: "integer", minimum: 1, maximum: 1000 },
      },
    },
    activeworkflow: {
      type: "object",
      additionalProperties: false,
      properties: {
        timeZone: { type: "string", minLength: 1 },
        agents: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["url"],
            properties: { url: { type: "string", pattern: "^https?://", description: "expected an http:// or https:// URL" }, ...processKeys },
          },
        },
        instances: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name", "type"],
            properties: {
              name: { type: "string", minLength: 1 },
              type: { type: "string", minLength: 1 },
              options: { type: "object" },
              credentials: { type: "object", additionalProperties: { type: "string" } },
              schedule: { type: "string" },
              disabled: { type: "boolean" },
            },
          },
        },
        links: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["from", "to"],
            properties: { from: { type: "string" }, to: { type: "string" } },
          },
        },
        maxAttempts: { type: "integer", minimum: 1, maximum: 25 },
      },
    },
    agentplatform: {
      type: "object",
      additionalProperties: false,
      properties: {
        workspaces: { type: "array", items: { type: "string", minLength: 1, description: "the path of a workspace file (HCL)" } },
        healthInterval: duration,
      },
    },
  },
} as const;

/** A process the host starts and supervises. */
export interface CommandSpec {
  readonly command: string;
  readonly env: Record<string, string>;
  readonly cwd: string;
}

/** A Flyte connector deployment, as Propeller's config gives it, with durations in milliseconds. */
export interface ConnectorConfig {
  readonly id: string;
  /** `HOST:PORT` as written. */
  readonly endpoint: string;
  readonly insecure: boolean;
  readonly timeoutsMs: Partial<Record<FlyteOperation, number>>;
  readonly defaultTimeoutMs: number;
  readonly command?: CommandSpec;
  /** `file:line` of its block, for messages. */
  readonly where: string;
}

export interface FlyteConfig {
  readonly defaultConnector?: ConnectorConfig;
  readonly connectors: ConnectorConfig[];
  readonly connectorForTaskTypes: Record<string, string>;
  readonly supportedTaskTypes: string[];
  readonly pollIntervalMs: number;
  readonly resyncPeriodMs: number;
  readonly maxSystemFailures: number;
  readonly workers: number;
}

export interface AgentEndpointConfig {
  readonly url: string;
  readonly command?: CommandSpec;
  /** Where it was given: `agentwire-host.yaml:12` or `env REMOTE_AGENT_URL2`. */
  readonly where: string;
}

export interface InstanceConfig {
  readonly name: string;
  readonly type: string;
  readonly options?: JsonObject;
  readonly credentials: Array<{ name: string; value: string }>;
  readonly schedule: string;
  readonly disabled: boolean;
  readonly where: string;
}

export interface ActiveWorkflowConfig {
  readonly timeZone?: string;
  readonly agents: AgentEndpointConfig[];
  readonly instances: InstanceConfig[];
  readonly links: Array<{ from: string; to: string }>;
  /** Attempts of one check or receive job before it is parked as failed: delayed_job's 5. */
  readonly maxAttempts: number;
}

export interface AgentPlatformConfig {
  /** Workspace files (absolute paths). */
  readonly workspaces: string[];
  /** Between two Health polls of each plugin. Default 10 s. */
  readonly healthIntervalMs: number;
  /** `file:line` of each workspace entry, for messages. */
  readonly where: string[];
}

/** The configuration, checked and with defaults filled in. */
export interface HostConfig {
  /** The config file (absolute), or undefined for the empty configuration. */
  readonly file?: string;
  /** The SQLite file (absolute) or `:memory:`. */
  readonly state: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly flyte: FlyteConfig;
  readonly activeworkflow: ActiveWorkflowConfig;
  readonly agentplatform: AgentPlatformConfig;
}

/** The API's port when the config gives none. */
export const defaultHttpPort = 7700;

interface RawProcess {
  command?: string;
  env?: Record<string, string>;
  cwd?: string;
}
interface RawDeployment extends RawProcess {
  endpoint: string;
  insecure?: boolean;
  timeouts?: Record<string, string>;
  defaultTimeout?: string;
}
interface RawConfig {
  state?: string;
  http?: { host?: string; port?: number };
  flyte?: {
    defaultConnector?: RawDeployment;
    connectors?: Record<string, RawDeployment>;
    connectorForTaskTypes?: Record<string, string>;
    supportedTaskTypes?: string[];
    pollInterval?: string;
    resyncPeriod?: string;
    maxSystemFailures?: number;
    workers?: number;
  };
  activeworkflow?: {
    timeZone?: string;
    agents?: Array<RawProcess & { url: string }>;
    instances?: Array<{ name: string; type: string; options?: JsonObject; credentials?: Record<string, string>; schedule?: string; disabled?: boolean }>;
    links?: Array<{ from: string; to: string }>;
    maxAttempts?: number;
  };
  agentplatform?: { workspaces?: string[]; healthInterval?: string };
}

const unitsMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`"200ms"`, `"10s"`, `"1m30s"`) in milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!new RegExp(durationPattern).test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * unitsMs[m[2]!]!;
  return ms;
}

/** Reads, checks and completes agentwire-host.yaml. Throws a `ConfigFileError` naming file:line: key for anything wrong. */
export function loadHostConfig(path: string, env: NodeJS.ProcessEnv = process.env): HostConfig {
  const file = loadYamlFile<RawConfig>(path, { schema: hostConfigSchema, kind: "configuration file (give --config the path of agentwire-host.yaml)" });
  return completeConfig(file, resolve(path), env);
}

/** The same from text (tests, and `serve` without --config, which reads `{}`). */
export function parseHostConfig(text: string, options: { shownName?: string; baseDir?: string; env?: NodeJS.ProcessEnv } = {}): HostConfig {
  const file = parseYamlText<RawConfig>(text, options.shownName ?? "agentwire-host.yaml", { schema: hostConfigSchema });
  return completeConfig(file, undefined, options.env ?? process.env, options.baseDir ?? process.cwd());
}

function completeConfig(file: LoadedYamlFile<RawConfig>, absolutePath: string | undefined, env: NodeJS.ProcessEnv, baseDir = absolutePath ? dirname(absolutePath) : process.cwd()): HostConfig {
  const raw = file.value;
  const problems: ConfigProblem[] = [];
  const here = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const ms = (path: Array<string | number>, text: string | undefined, fallback: number) => (text === undefined ? fallback : parseDuration(text) ?? fallback);

  const processOf = (p: RawProcess, path: Array<string | number>): CommandSpec | undefined => {
    if (p.command === undefined) {
      if (p.env !== undefined || p.cwd !== undefined) problems.push({ path: [...path, p.env !== undefined ? "env" : "cwd"], text: "only used with command: give the command that starts the agent server", key: true });
      return undefined;
    }
    return { command: p.command, env: p.env ?? {}, cwd: here(p.cwd ?? ".") };
  };

  // Flyte
  const f = raw.flyte ?? {};
  const deploymentOf = (id: string, d: RawDeployment, path: Array<string | number>): ConnectorConfig => {
    const timeoutsMs: Partial<Record<FlyteOperation, number>> = {};
    for (const [op, text] of Object.entries(d.timeouts ?? {})) {
      const key: FlyteOperation = op === "ListConnectors" ? "ListAgents" : (op as FlyteOperation);
      timeoutsMs[key] = parseDuration(text) ?? 10_000;
    }
    const command = processOf(d, path);
    return {
      id,
      endpoint: d.endpoint.replace(/^dns:\/\/\//, ""),
      insecure: d.insecure ?? true,
      timeoutsMs,
      defaultTimeoutMs: ms([...path, "defaultTimeout"], d.defaultTimeout, 10_000),
      ...(command ? { command } : {}),
      where: file.at(path),
    };
  };
  const connectors = Object.entries(f.connectors ?? {}).map(([id, d]) => deploymentOf(id, d, ["flyte", "connectors", id]));
  const defaultConnector = f.defaultConnector ? deploymentOf("defaultConnector", f.defaultConnector, ["flyte", "defaultConnector"]) : undefined;
  for (const [taskType, id] of Object.entries(f.connectorForTaskTypes ?? {})) {
    if (!connectors.some((c) => c.id === id)) {
      problems.push({
        path: ["flyte", "connectorForTaskTypes", taskType],
        text: `no connector ${JSON.stringify(id)} under flyte.connectors (${connectors.length > 0 ? `it has ${connectors.map((c) => c.id).join(", ")}` : "it has none"})`,
      });
    }
  }
  if ((f.supportedTaskTypes ?? []).length > 0 && defaultConnector === undefined) {
    problems.push({ path: ["flyte", "supportedTaskTypes"], text: "supportedTaskTypes are sent to flyte.defaultConnector, and there is none: add flyte.defaultConnector" });
  }

  // ActiveWorkflow
  const a = raw.activeworkflow ?? {};
  const agents: AgentEndpointConfig[] = (a.agents ?? []).map((agent, i) => {
    const command = processOf(agent, ["activeworkflow", "agents", i]);
    return { url: agent.url, ...(command ? { command } : {}), where: file.at(["activeworkflow", "agents", i]) };
  });
  // ActiveWorkflow's RemoteAgents.setup: every variable whose name starts with REMOTE_AGENT_URL, in ENV's order.
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("REMOTE_AGENT_URL")) continue;
    if (value === undefined || !/^https?:\/\//.test(value)) {
      throw new AgentwireError("invalid_argument", `env ${name}: expected an http:// or https:// URL of a remote agent, got ${JSON.stringify(value ?? "")} (ActiveWorkflow would fail to boot on it); set it or unset it`);
    }
    if (!agents.some((known) => known.url === value)) agents.push({ url: value, where: `env ${name}` });
  }
  if (a.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: a.timeZone });
    } catch {
      problems.push({ path: ["activeworkflow", "timeZone"], text: `not an IANA time zone such as America/Los_Angeles or UTC` });
    }
  }
  const names = new Set<string>();
  const instances: InstanceConfig[] = (a.instances ?? []).map((inst, i) => {
    if (names.has(inst.name)) problems.push({ path: ["activeworkflow", "instances", i, "name"], text: `a second instance named ${JSON.stringify(inst.name)}; instance names must be unique` });
    names.add(inst.name);
    const schedule = inst.schedule ?? "never";
    try {
      parseSchedule(schedule, a.timeZone === undefined ? {} : { timeZone: a.timeZone });
    } catch (err) {
      problems.push({ path: ["activeworkflow", "instances", i, "schedule"], text: (err as Error).message });
    }
    return {
      name: inst.name,
      type: inst.type,
      ...(inst.options === undefined ? {} : { options: inst.options }),
      credentials: Object.entries(inst.credentials ?? {}).map(([name, value]) => ({ name, value })),
      schedule,
      disabled: inst.disabled ?? false,
      where: file.at(["activeworkflow", "instances", i]),
    };
  });
  for (const [i, link] of (a.links ?? []).entries()) {
    for (const end of ["from", "to"] as const) {
      if (!names.has(link[end])) {
        problems.push({ path: ["activeworkflow", "links", i, end], text: `no instance named ${JSON.stringify(link[end])} under activeworkflow.instances${names.size > 0 ? ` (it has ${[...names].join(", ")})` : ""}` });
      }
    }
  }
  if (problems.length > 0) throw file.error(problems);

  return {
    ...(absolutePath === undefined ? {} : { file: absolutePath }),
    state: raw.state === ":memory:" ? ":memory:" : here(raw.state ?? ".agentwire/host.db"),
    http: { host: raw.http?.host ?? "127.0.0.1", port: raw.http?.port ?? defaultHttpPort },
    flyte: {
      ...(defaultConnector ? { defaultConnector } : {}),
      connectors,
      connectorForTaskTypes: f.connectorForTaskTypes ?? {},
      supportedTaskTypes: f.supportedTaskTypes ?? [],
      pollIntervalMs: ms(["flyte", "pollInterval"], f.pollInterval, 10_000),
      resyncPeriodMs: ms(["flyte", "resyncPeriod"], f.resyncPeriod, 30_000),
      maxSystemFailures: f.maxSystemFailures ?? 5,
      workers: f.workers ?? 10,
    },
    activeworkflow: {
      ...(a.timeZone === undefined ? {} : { timeZone: a.timeZone }),
      agents,
      instances,
      links: a.links ?? [],
      maxAttempts: a.maxAttempts ?? 5,
    },
    agentplatform: {
      workspaces: (raw.agentplatform?.workspaces ?? []).map(here),
      healthIntervalMs: ms(["agentplatform", "healthInterval"], raw.agentplatform?.healthInterval, 10_000),
      where: (raw.agentplatform?.workspaces ?? []).map((_, i) => file.at(["agentplatform", "workspaces", i])),
    },
  };
}
