/**
 * The two Flyte wires the Flyte suites speak, behind one interface: Flyte 1's `flyteidl.service` as
 * FlytePropeller calls it (the `flyte` protocol) and Flyte 2's `flyteidl2.connector` as Flyte 2's executor
 * calls it (the `flyte2` protocol). The checks are the same rules; a flavour says which caller they speak
 * for, which upstream files hold the rules, and how the calls are named in reports.
 */
import { type AnyTaskDefinition, type LiteralMap, toLiteralMap } from "@agentwire/flyte";
import {
  createFlyte2Driver,
  createFlyteDriver,
  v1Resource,
  type Flyte2Driver,
  type FlyteDriver,
  type HealthCheckResponse_ServingStatus,
} from "@agentwire/flyte/testing";
import type { CallOptions, Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import type { FlyteCases } from "../../cases.js";
import type { SuiteContext } from "../../suite.js";
import type { FlyteTarget } from "../../targets.js";

export type Ctx = SuiteContext<FlyteTarget, FlyteCases>;

/** An agent (Flyte 1) or connector (Flyte 2) as its metadata service lists it. */
export interface Listed {
  name: string;
  /** Flyte 1 only; a Flyte 2 connector is always async. */
  isSync: boolean;
  /** Flyte 1's deprecated field; undefined over Flyte 2. */
  supportedTaskTypes?: string[];
  supportedTaskCategories: Array<{ name: string; version: number }>;
}

/** One GetTask answer, in Flyte 1's shape whichever wire carried it (v2 outputs as a LiteralMap). */
export interface WireResource {
  phase: number;
  message: string;
  outputs?: LiteralMap;
  logLinks?: Array<{ name: string; uri: string }>;
}

/** What the caller keeps of a task to poll and delete it. */
export interface Handle {
  task: AnyTaskDefinition;
  category: { name: string; version: number };
  resourceMeta: Uint8Array;
  outputPrefix: string;
  /** Flyte 2: the connection sent with every call. */
  connection?: { secrets?: Record<string, string>; configs?: Record<string, string> };
}

export interface LaunchRequest {
  task: AnyTaskDefinition;
  inputs: Record<string, unknown>;
  outputPrefix: string;
  custom?: Record<string, unknown>;
  connection?: { secrets?: Record<string, string>; configs?: Record<string, string> };
}

/** The calls the suites make, the same on both wires. Each rejects with the `ConnectError` the server answered. */
export interface FlyteWire {
  list(options: CallOptions): Promise<Listed[]>;
  get(name: string, options: CallOptions): Promise<Listed | undefined>;
  launch(request: LaunchRequest, options: CallOptions): Promise<Uint8Array>;
  /** CreateTask of a bare template (type and version, no inputs): for the refusals. */
  createBare(type: string, version: number, options: CallOptions): Promise<unknown>;
  getTask(handle: Handle, options: CallOptions): Promise<WireResource | undefined>;
  deleteTask(handle: Handle, options: CallOptions): Promise<void>;
  health(options: CallOptions): Promise<{ status: HealthCheckResponse_ServingStatus }>;
}

/** Where a flavour's rules live upstream. */
export interface Sources {
  client: string;
  plugin: string;
  config: string;
  cache: string;
  core: string;
  launcher: string;
  handler: string;
  /** The service definition. */
  proto: string;
  /** The reference server of the SDK (flytekit's, flyte-sdk's). */
  sdkServer: string;
}

/** Which caller the suites play, and how they name its calls. */
export interface Flavor {
  /** The protocol name and the first part of every check id. */
  readonly protocol: "flyte" | "flyte2";
  /** "Propeller" or "Flyte 2's executor", as the reasons say it. */
  readonly caller: string;
  readonly src: Sources;
  /** Report labels: `AgentMetadataService/ListAgents` or `ConnectorMetadataService/ListConnectors`, … */
  readonly calls: { list: string; get: string; create: string; getTask: string; deleteTask: string };
  /** A new connection to the target, as the caller dials one. */
  wire(ctx: Ctx): FlyteWire;
  /** The request a GetTask/DeleteTask sends for `h`, for the report. */
  sent(h: Handle, op: "get" | "delete"): unknown;
  /** A reason or message written for Propeller, said for this flavour's caller. */
  say(text: string): string;
}

/** A connection as the reports show it: secret names kept, their values masked. */
export function maskedConnection(connection: Handle["connection"]): { secrets: Record<string, string>; configs: Record<string, string> } {
  return { secrets: Object.fromEntries(Object.keys(connection?.secrets ?? {}).map((k) => [k, "(secret)"])), configs: connection?.configs ?? {} };
}

/** A gRPC transport to the target (trusting `--ca` when given), or Connect over HTTP/1.1 with `connect`. */
function transportOf(target: FlyteTarget): Transport {
  const nodeOptions = target.caPem === undefined ? undefined : { ca: target.caPem };
  if (target.connect) return createConnectTransport({ baseUrl: target.url, httpVersion: "1.1", ...(nodeOptions ? { nodeOptions } : {}) });
  return createGrpcTransport({ baseUrl: target.url, ...(nodeOptions ? { nodeOptions } : {}) });
}

/** A Propeller-like driver on a new connection (Propeller dials fresh connections); `--ca` trusted. */
export function newDriver(ctx: Ctx): FlyteDriver {
  const settings = { callTimeoutMs: ctx.callTimeoutMs, pollIntervalMs: 50 };
  if (ctx.target.caPem === undefined && !ctx.target.connect) return createFlyteDriver({ url: ctx.target.url, ...settings });
  return createFlyteDriver({ transport: transportOf(ctx.target), ...settings });
}

function newDriver2(ctx: Ctx): Flyte2Driver {
  return createFlyte2Driver({ transport: transportOf(ctx.target), callTimeoutMs: ctx.callTimeoutMs, pollIntervalMs: 50 });
}

const v1Sources: Sources = {
  client: "flyteplugins/go/tasks/plugins/webapi/connector/client.go",
  plugin: "flyteplugins/go/tasks/plugins/webapi/connector/plugin.go",
  config: "flyteplugins/go/tasks/plugins/webapi/connector/config.go",
  cache: "flyteplugins/go/tasks/pluginmachinery/internal/webapi/cache.go",
  core: "flyteplugins/go/tasks/pluginmachinery/internal/webapi/core.go",
  launcher: "flyteplugins/go/tasks/pluginmachinery/internal/webapi/launcher.go",
  handler: "flytepropeller/pkg/controller/nodes/task/handler.go",
  proto: "flyteidl/protos/flyteidl/service/agent.proto",
  sdkServer: "flytekit connector_service.py",
};

/** Flyte 1: the suites play FlytePropeller 1.16 (connector-service / agent-service). */
export const flyte1: Flavor = {
  protocol: "flyte",
  caller: "Propeller",
  src: v1Sources,
  calls: {
    list: "AgentMetadataService/ListAgents",
    get: "AgentMetadataService/GetAgent",
    create: "AsyncAgentService/CreateTask",
    getTask: "AsyncAgentService/GetTask",
    deleteTask: "AsyncAgentService/DeleteTask",
  },
  wire(ctx) {
    const driver = newDriver(ctx);
    const { async: tasks, metadata, health } = driver.clients;
    const launched = (h: Handle) => ({ task: h.task, category: h.category, resourceMeta: h.resourceMeta, outputPrefix: h.outputPrefix });
    return {
      list: async (o) => (await metadata.listAgents({}, o)).agents,
      get: async (name, o) => (await metadata.getAgent({ name }, o)).agent,
      launch: async (r, o) =>
        (await driver.launch(r.task, r.inputs, { outputPrefix: r.outputPrefix, call: o, ...(r.custom === undefined ? {} : { custom: r.custom as never }) })).resourceMeta,
      createBare: (type, version, o) => tasks.createTask({ template: { type, taskTypeVersion: version }, inputs: toLiteralMap({}, {}), outputPrefix: "s3://agentwire-conformance/none" }, o),
      getTask: (h, o) => driver.getTaskResource(launched(h), o),
      deleteTask: (h, o) => driver.deleteTask(launched(h), o),
      health: (o) => health.check({ service: "" }, o),
    };
  },
  sent(h, op) {
    const base = { taskType: h.category.name, taskCategory: h.category, resourceMeta: h.resourceMeta };
    return op === "get" ? { ...base, outputPrefix: h.outputPrefix } : base;
  },
  say: (text) => text,
};

const main = (path: string) => `main:${path}`;

/** Flyte 2: the suites play Flyte 2's executor (flyteorg/flyte `main`), calling `flyteidl2.connector`. */
export const flyte2: Flavor = {
  protocol: "flyte2",
  caller: "Flyte 2's executor",
  src: {
    client: main(v1Sources.client),
    plugin: main(v1Sources.plugin),
    config: main(v1Sources.config),
    cache: main(v1Sources.cache),
    core: main(v1Sources.core),
    launcher: main(v1Sources.launcher),
    handler: main(v1Sources.plugin),
    proto: "main:flyteidl2/connector/service.proto",
    sdkServer: "flyte-sdk src/flyte/connectors/_server.py",
  },
  calls: {
    list: "ConnectorMetadataService/ListConnectors",
    get: "ConnectorMetadataService/GetConnector",
    create: "AsyncConnectorService/CreateTask",
    getTask: "AsyncConnectorService/GetTask",
    deleteTask: "AsyncConnectorService/DeleteTask",
  },
  wire(ctx) {
    const driver = newDriver2(ctx);
    const { tasks, metadata, health } = driver.clients;
    const launched = (h: Handle) => ({
      task: h.task,
      category: h.category,
      resourceMeta: h.resourceMeta,
      outputPrefix: h.outputPrefix,
      connection: { taskType: h.category.name, secrets: h.connection?.secrets ?? {}, configs: h.connection?.configs ?? {} },
    });
    const listed = (c: { name: string; supportedTaskCategories: Array<{ name: string; version: number }> }): Listed => ({
      name: c.name,
      isSync: false,
      supportedTaskCategories: c.supportedTaskCategories,
    });
    return {
      list: async (o) => (await metadata.listConnectors({}, o)).connectors.map(listed),
      get: async (name, o) => {
        const { connector } = await metadata.getConnector({ name }, o);
        return connector === undefined ? undefined : listed(connector);
      },
      launch: async (r, o) =>
        (
          await driver.launch(r.task, r.inputs, {
            outputPrefix: r.outputPrefix,
            call: o,
            ...(r.custom === undefined ? {} : { custom: r.custom as never }),
            ...(r.connection === undefined ? {} : { connection: r.connection }),
          })
        ).resourceMeta,
      createBare: (type, version, o) => tasks.createTask({ template: { type, taskTypeVersion: version }, inputs: { literals: [] }, outputPrefix: "s3://agentwire-conformance/none" }, o),
      getTask: async (h, o) => {
        const resource = await driver.getTaskResource(launched(h), o);
        return resource === undefined ? undefined : v1Resource(resource);
      },
      deleteTask: (h, o) => driver.deleteTask(launched(h), o),
      health: (o) => health.check({ service: "" }, o),
    };
  },
  sent(h, op) {
    const connection = { taskType: h.category.name, ...maskedConnection(h.connection) };
    const base = { taskCategory: h.category, resourceMeta: h.resourceMeta, connection };
    return op === "get" ? { ...base, outputPrefix: h.outputPrefix } : base;
  },
  say: (text) =>
    text
      .replace(" (10 s by default for connector-service, 3 s for agent-service)", " (10 s by default)")
      .replace("an empty (UNDEFINED, legacy state 0) one reads as a retryable failure, an unknown one as a system error", "an empty (UNDEFINED) one, like an unknown one, is a system error (Flyte 2 has no legacy state)")
      .replace(/stored in the FlyteWorkflow CRD \(etcd\)/g, "stored in the executor's Kubernetes state (etcd)")
      .replace(/in the workflow CRD/g, "in its Kubernetes state")
      .replace(/FlytePropeller|Propeller/g, "Flyte 2's executor")
      .replace(/'s executor's CRD/g, "'s executor's state")
      .replace(/flytekit's/g, "flyte-sdk's")
      .replace(/ListAgents/g, "ListConnectors")
      .replace(/GetAgent/g, "GetConnector")
      .replace(/\ban agent\b/g, "a connector")
      .replace(/\bagents\b/g, "connectors")
      .replace(/\bagent\b/g, "connector"),
};
