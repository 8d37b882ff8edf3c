// The AgentPlatform plugin suites: the platform's behaviour as a caller of a plugin (research §8.5), on
// `createPluginDriver({ address })`; raw calls through `driver.clients` where the driver would hide the fault.
import { Code, ConnectError } from "@connectrpc/connect";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { Ajv } from "ajv";
import {
  Action,
  Capability,
  EventType,
  FinishReason,
  HealthCheckResponse_ServingStatus,
  Status,
  createPluginDriver,
  parseHandshake,
  type AssembledCompletion,
  type CompleteRequestInit,
  type PluginDriver,
} from "@agentwire/agentplatform/testing";

type CompleteResponse = AssembledCompletion["events"][number];
import type { CheckDefinition, CheckRecorder } from "../../check.js";
import type { AgentPlatformCases } from "../../cases.js";
import type { Suite, SuiteContext } from "../../suite.js";
import type { AgentPlatformTarget } from "../../targets.js";
import { connect, disconnect, readHandshake, startLocalPlugin, stopLocalPlugin } from "./connect.js";
import { startUpstreamWitness, withUpstream, type UpstreamWitness, type WitnessRequest } from "./upstream-witness.js";

type Ctx = SuiteContext<AgentPlatformTarget, AgentPlatformCases>;

const RESEARCH = "research/agentplatform.md §8.5 (the platform's plugin loader and caller)";
const PROTO = (file: string) => `proto/agentplatform/v1/${file}.proto`;

function def(id: string, level: "MUST" | "SHOULD", reason: string, source: string): CheckDefinition {
  return { id, level, reason, source };
}

function errorOf(err: unknown): { code: string; message: string } {
  const e = ConnectError.from(err);
  return { code: Code[e.code], message: e.rawMessage };
}

/** The config as the platform sends it: every value a string. */
function configOf(ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.cases?.config ?? {})) out[k] = String(v);
  for (const [k, v] of Object.entries(ctx.target.config ?? {})) out[k] = v;
  return out;
}

async function driverFor(ctx: Ctx): Promise<PluginDriver> {
  const { address } = await connect(ctx.target, ctx.callTimeoutMs);
  return createPluginDriver({ address, callTimeoutMs: ctx.callTimeoutMs });
}

/** Registers once per driver (the platform registers before any other call); `config` defaults to the run's. */
async function registered(ctx: Ctx, rec?: CheckRecorder, config: Record<string, string> = configOf(ctx)): Promise<{ driver: PluginDriver; capabilities: Capability[] }> {
  const driver = await driverFor(ctx);
  try {
    const res = await driver.register({ config });
    rec?.exchange("Plugin/Register", { config }, { name: res.name, capabilities: res.capabilities.map((c) => Capability[c]) });
    return { driver, capabilities: [...res.capabilities] };
  } catch (err) {
    rec?.exchange("Plugin/Register", { config }, errorOf(err));
    throw err;
  }
}

/** A registered driver for a suite of one capability, or why that suite's checks skip. */
interface Registration {
  readonly driver: PluginDriver | undefined;
  /** Why the checks skip (Register failed, or the capability is not advertised); undefined when they run. */
  readonly skipped: string | undefined;
  /** The driver, or ends the check as skipped with the reason. */
  use(rec: CheckRecorder): PluginDriver;
}

/** The prelude of every capability suite: Register, then skip unless `capability` is advertised. */
async function registeredFor(ctx: Ctx, capability: Capability): Promise<Registration> {
  let driver: PluginDriver | undefined;
  let skipped: string | undefined;
  try {
    const reg = await registered(ctx);
    driver = reg.driver;
    if (!reg.capabilities.includes(capability)) skipped = `the plugin does not advertise ${Capability[capability]}`;
  } catch (err) {
    skipped = `Register failed: ${(err as Error).message}`;
  }
  return {
    driver,
    skipped,
    use(rec) {
      if (skipped !== undefined || driver === undefined) return rec.skip(skipped ?? "no driver");
      return driver;
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** hcl2json's shape: `{ plugin: { <label>: [ { ...attributes, config_schema: [ { field: { <name>: [ {...} ] } } ] } ] } }`. */
interface ParsedManifest {
  label: string;
  body: Record<string, unknown>;
}

async function parseManifest(text: string): Promise<{ json: Record<string, unknown>; plugins: ParsedManifest[] }> {
  const json = (await parseHcl("manifest.hcl", text)) as Record<string, unknown>;
  const plugins: ParsedManifest[] = [];
  const block = json["plugin"];
  if (isObject(block)) {
    for (const [label, bodies] of Object.entries(block)) {
      if (Array.isArray(bodies)) for (const body of bodies) if (isObject(body)) plugins.push({ label, body });
    }
  }
  return { json, plugins };
}

// ---------------------------------------------------------------------------------------------- plugin

/**
 * The Complete the capability probe sends: no model, no messages, and a tool whose schema is not JSON. A
 * conforming provider refuses it before calling any upstream (the SDK answers INVALID_ARGUMENT before the
 * author's `complete` runs); a plugin without the service answers UNIMPLEMENTED. Either way no model is asked.
 */
export const refusedCompleteProbe = {
  model: "",
  messages: [],
  availableTools: [{ name: "agentwire_conformance_probe", description: "", parametersJsonSchema: "agentwire-conformance: not JSON {" }],
};

/** An OnEvent every hook refuses before running: an unspecified event type. */
const refusedEventProbe = { type: EventType.EVENT_TYPE_UNSPECIFIED, agentName: "agentwire-conformance", payloadJson: new TextEncoder().encode("{}") };

/** An ExecuteTool and a RenderView every provider refuses (NOT_FOUND) before running anything: names nobody has. */
const refusedToolProbe = { name: "agentwire_conformance_no_such_tool", argumentsJson: "{}" };
const refusedViewProbe = { viewName: "agentwire_conformance_no_such_view", workspaceId: "agentwire-conformance", params: {} };

/**
 * How discovery learns whether a capability's service is served, without real work: each probe is a request a
 * conforming server refuses before doing anything (an unknown tool or view, an empty Complete, an unspecified
 * event). UNIMPLEMENTED means not served; any other answer, refusal included, means served.
 */
const capabilityServices: Array<{ capability: Capability; service: string; sent: unknown; probe: (d: PluginDriver) => Promise<unknown> }> = [
  { capability: Capability.TOOL_PROVIDER, service: "ToolProvider/ExecuteTool", sent: refusedToolProbe, probe: (d) => d.clients.tools.executeTool(refusedToolProbe) },
  { capability: Capability.VIEW_PROVIDER, service: "ViewProvider/RenderView", sent: refusedViewProbe, probe: (d) => d.clients.views.renderView(refusedViewProbe) },
  {
    capability: Capability.LLM_PROVIDER,
    service: "LLMProvider/Complete",
    sent: refusedCompleteProbe,
    probe: async (d) => {
      const events: string[] = [];
      const abort = new AbortController();
      try {
        // A conforming server refuses before the first event; one that streams did work: stop reading at once.
        for await (const ev of d.streamCompletion(refusedCompleteProbe, { signal: abort.signal })) {
          events.push(ev.event.case ?? "none");
          break;
        }
      } finally {
        abort.abort();
      }
      return { events, note: "a stream: the plugin did not refuse a request with no messages" };
    },
  },
  { capability: Capability.LIFECYCLE_HOOK, service: "LifecycleHook/OnEvent", sent: { ...refusedEventProbe, type: "EVENT_TYPE_UNSPECIFIED" }, probe: (d) => d.clients.hooks.onEvent(refusedEventProbe) },
];

/** Sends each probe (of the advertised capabilities, or of the others) and returns the services that are served. */
async function probeServices(ctx: Ctx, rec: CheckRecorder, capabilities: Capability[], advertised: boolean): Promise<Array<{ capability: Capability; service: string; served: boolean }>> {
  const driver = await driverFor(ctx);
  const out: Array<{ capability: Capability; service: string; served: boolean }> = [];
  for (const { capability, service, sent, probe } of capabilityServices) {
    if (capabilities.includes(capability) !== advertised) continue;
    try {
      rec.exchange(service, sent, await probe(driver));
      out.push({ capability, service, served: true });
    } catch (err) {
      rec.exchange(service, sent, errorOf(err));
      out.push({ capability, service, served: ConnectError.from(err).code !== Code.Unimplemented });
    }
  }
  return out;
}

const manifestRequired = ["version", "description", "author", "type"] as const;

const pluginSuite: Suite<AgentPlatformTarget, AgentPlatformCases> = {
  name: "agentplatform.plugin",
  description: "Discovery: Register, the manifest, capabilities and health, as the platform loads a plugin",
  async run(ctx) {
    let registeredName: string | undefined;
    let capabilities: Capability[] = [];
    let parsed: ParsedManifest[] | undefined;

    await ctx.check(
      def("agentplatform.plugin.register-succeeds", "MUST", "The platform registers every plugin with its config (as strings) before calling it", PROTO("plugin")),
      async (rec) => {
        const driver = await driverFor(ctx);
        const config = configOf(ctx);
        try {
          const res = rec.exchange("Plugin/Register", { config }, await driver.register({ config }));
          registeredName = res.name;
          capabilities = [...res.capabilities];
        } catch (err) {
          rec.exchange("Plugin/Register", { config }, errorOf(err));
          rec.fail(`Register failed: ${errorOf(err).message}`, "Register to succeed with a valid config (pass it with --config or the cases file's config)");
        }
        if (!registeredName) rec.fail("Register answered an empty name", "the plugin's name, the label of the manifest's plugin block");
      },
    );

    await ctx.check(
      def("agentplatform.plugin.manifest-is-hcl", "MUST", "The platform reads GetManifest's answer with HashiCorp's HCL parser; one plugin block", `${RESEARCH}; hashicorp/hcl v2`),
      async (rec) => {
        const driver = await driverFor(ctx);
        let text: string;
        try {
          text = await driver.manifest();
        } catch (err) {
          rec.exchange("Plugin/GetManifest", {}, errorOf(err));
          return rec.fail(`GetManifest failed: ${errorOf(err).message}`, "the manifest as HCL");
        }
        rec.exchange("Plugin/GetManifest", {}, { manifestHcl: text });
        let plugins: ParsedManifest[];
        try {
          plugins = (await parseManifest(text)).plugins;
        } catch (err) {
          return rec.fail(`the manifest is not HCL: ${(err as Error).message}`, 'HCL: plugin "<name>" { version = "..." ... }');
        }
        parsed = plugins;
        if (plugins.length !== 1) rec.fail(`the manifest has ${plugins.length} plugin blocks`, 'exactly one plugin "<name>" block');
      },
    );

    await ctx.check(
      def("agentplatform.plugin.register-name-matches-manifest", "MUST", "The platform keys a plugin by its manifest label; Register's name must be the same", RESEARCH),
      async (rec) => {
        const p = parsed;
        if (registeredName === undefined || p?.length !== 1) return rec.skip("needs a successful Register and a parsed manifest");
        const label = p[0]!.label;
        rec.exchange("compare", { registerName: registeredName }, { manifestLabel: label });
        if (label !== registeredName) rec.fail(`Register answered "${registeredName}" but the manifest's plugin block is "${label}"`, "the same name in both");
      },
    );

    await ctx.check(
      def("agentplatform.plugin.manifest-attributes", "MUST", "The manifest reference requires version (semver), description, author and type (local|remote)", RESEARCH),
      async (rec) => {
        const p = parsed;
        if (p?.length !== 1) return rec.skip("needs a parsed manifest");
        const body = p[0]!.body;
        const problems: string[] = [];
        for (const key of manifestRequired) if (typeof body[key] !== "string" || (body[key]).trim() === "") problems.push(`${key} is missing or not a non-empty string`);
        if (typeof body["version"] === "string" && !/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(body["version"])) problems.push(`version ${JSON.stringify(body["version"])} is not semver`);
        if (typeof body["type"] === "string" && body["type"] !== "local" && body["type"] !== "remote") problems.push(`type ${JSON.stringify(body["type"])} is not local or remote`);
        if (problems.length > 0) rec.fail(problems.join("; "), 'version = "1.0.0", description, author, type = "local" | "remote"');
      },
    );

    await ctx.check(
      def("agentplatform.plugin.config-schema-valid", "MUST", "Every config_schema field has a valid type (string|number|bool) and a string default", RESEARCH),
      async (rec) => {
        const p = parsed;
        if (p?.length !== 1) return rec.skip("needs a parsed manifest");
        const schemas = p[0]!.body["config_schema"];
        if (schemas === undefined) return;
        const problems: string[] = [];
        const blocks = Array.isArray(schemas) ? schemas : [schemas];
        if (blocks.length > 1) problems.push("more than one config_schema block");
        for (const block of blocks) {
          if (!isObject(block)) {
            problems.push("config_schema is not a block");
            continue;
          }
          const fields = block["field"];
          if (fields === undefined) continue;
          if (!isObject(fields)) {
            problems.push('config_schema has field blocks without a label (field "<name>" { ... })');
            continue;
          }
          for (const [name, bodies] of Object.entries(fields)) {
            for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
              if (!isObject(body)) continue;
              if (!["string", "number", "bool"].includes(body["type"] as string)) problems.push(`field "${name}": type ${JSON.stringify(body["type"])} is not string, number or bool`);
              if ("default" in body && typeof body["default"] !== "string") problems.push(`field "${name}": default ${JSON.stringify(body["default"])} is not a string`);
            }
          }
        }
        if (problems.length > 0) rec.fail(problems.join("; "), 'field "<name>" { type = "string"|"number"|"bool", default = "<string>" }');
      },
    );

    await ctx.check(
      def("agentplatform.plugin.capabilities-served", "MUST", "The platform calls the service of every capability Register advertises", PROTO("plugin")),
      async (rec) => {
        if (registeredName === undefined) rec.skip("needs a successful Register");
        const missing = (await probeServices(ctx, rec, capabilities, true)).filter((p) => !p.served).map((p) => `${Capability[p.capability]} (${p.service} is UNIMPLEMENTED)`);
        if (missing.length > 0) rec.fail(`advertised but not served: ${missing.join(", ")}`, "every advertised capability's service implemented");
      },
    );

    await ctx.check(
      def("agentplatform.plugin.served-services-advertised", "SHOULD", "A served service that Register does not advertise is never called by the platform", PROTO("plugin")),
      async (rec) => {
        if (registeredName === undefined) rec.skip("needs a successful Register");
        const extra = (await probeServices(ctx, rec, capabilities, false)).filter((p) => p.served).map((p) => Capability[p.capability]);
        if (extra.length > 0) rec.fail(`served but not advertised: ${extra.join(", ")}`, "those capabilities in Register's answer");
      },
    );

    await ctx.check(
      def("agentplatform.plugin.health-serving", "MUST", "The platform only routes to a plugin whose Health answers SERVING", PROTO("plugin")),
      async (rec) => {
        const driver = await driverFor(ctx);
        let status: Status;
        try {
          status = rec.exchange("Plugin/Health", {}, await driver.health());
        } catch (err) {
          rec.exchange("Plugin/Health", {}, errorOf(err));
          return rec.fail(`Health failed: ${errorOf(err).message}`, "SERVING");
        }
        if (status !== Status.SERVING) rec.fail(`Health answered ${Status[status]}`, "SERVING after a successful Register");
        try {
          const grpc = await driver.clients.health.check({ service: "" });
          rec.exchange("grpc.health.v1.Health/Check", { service: "" }, HealthCheckResponse_ServingStatus[grpc.status]);
        } catch (err) {
          rec.exchange("grpc.health.v1.Health/Check", { service: "" }, errorOf(err));
        }
      },
    );
  },
};

// ----------------------------------------------------------------------------------------------- tools

const toolName = /^[a-zA-Z0-9_-]{1,64}$/;

function subsetMatches(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => subsetMatches(v, actual[i]));
  if (isObject(expected)) return isObject(actual) && Object.entries(expected).every(([k, v]) => k in actual && subsetMatches(v, actual[k]));
  return Object.is(expected, actual) || (typeof expected === "number" && typeof actual === "number" && expected === actual);
}

interface RawTool {
  name: string;
  schemaText: string;
  schema?: Record<string, unknown>;
}

const toolsSuite: Suite<AgentPlatformTarget, AgentPlatformCases> = {
  name: "agentplatform.tools",
  description: "ToolProvider: the tool list, refused arguments, unknown tools, and the cases' calls",
  async run(ctx) {
    let tools: RawTool[] | undefined;
    const reg = await registeredFor(ctx, Capability.TOOL_PROVIDER);
    const { driver, skipped } = reg;

    await ctx.check(def("agentplatform.tools.names-valid-unique", "MUST", "Model APIs refuse tool names outside ^[a-zA-Z0-9_-]{1,64}$; the platform keys tools by name", PROTO("tool")), async (rec) => {
      const d = reg.use(rec);
      const res = rec.exchange("ToolProvider/ListTools", {}, await d.clients.tools.listTools({}));
      tools = res.tools.map((t) => ({ name: t.name, schemaText: t.parametersJsonSchema }));
      const seen = new Set<string>();
      const problems: string[] = [];
      for (const t of res.tools) {
        if (!toolName.test(t.name)) problems.push(`${JSON.stringify(t.name)} is not a valid tool name`);
        if (seen.has(t.name)) problems.push(`${JSON.stringify(t.name)} is listed twice`);
        seen.add(t.name);
      }
      if (problems.length > 0) rec.fail(problems.join("; "), "unique names matching ^[a-zA-Z0-9_-]{1,64}$");
    });

    await ctx.check(def("agentplatform.tools.descriptions-present", "SHOULD", "The model chooses tools by their description: an empty one is a tool it cannot use well", PROTO("tool")), async (rec) => {
      const d = driver;
      if (tools === undefined || d === undefined) return rec.skip("no tool list");
      const listed = rec.exchange("ToolProvider/ListTools", {}, (await d.clients.tools.listTools({})).tools.map((t) => ({ name: t.name, description: t.description })));
      const empty = listed.filter((t) => t.description.trim() === "").map((t) => t.name);
      if (empty.length > 0) rec.fail(`no description: ${empty.join(", ")}`, "a non-empty description per tool");
    });

    await ctx.check(def("agentplatform.tools.schema-valid", "MUST", "The platform hands parameters_json_schema to the model: a JSON Schema object that compiles", PROTO("tool")), async (rec) => {
      const list = tools;
      if (list === undefined) return rec.skip("no tool list");
      const problems: string[] = [];
      for (const t of list) {
        let schema: unknown;
        try {
          schema = JSON.parse(t.schemaText);
        } catch {
          problems.push(`${t.name}: parameters_json_schema is not JSON`);
          continue;
        }
        if (!isObject(schema)) {
          problems.push(`${t.name}: the schema is not an object`);
          continue;
        }
        if (schema["type"] !== undefined && schema["type"] !== "object") problems.push(`${t.name}: the schema's type is ${JSON.stringify(schema["type"])}, not "object"`);
        try {
          new Ajv({ strict: false, validateSchema: true }).compile(schema);
          t.schema = schema;
        } catch (err) {
          problems.push(`${t.name}: the schema does not compile: ${(err as Error).message}`);
        }
      }
      if (problems.length > 0) rec.fail(problems.join("; "), 'a JSON Schema object per tool, e.g. {"type":"object","properties":{...}}');
    });

    await ctx.check(def("agentplatform.tools.invalid-arguments-is-error", "MUST", "Arguments the schema refuses come back as is_error (the model retries), never as a protocol error", PROTO("tool")), async (rec) => {
      const list = tools;
      const d = driver;
      if (list === undefined || d === undefined) return rec.skip("no tool list");
      let tried = 0;
      for (const t of list) {
        const args = refusedArguments(t.schema);
        if (args === undefined) continue;
        tried++;
        const sent = { name: t.name, argumentsJson: JSON.stringify(args) };
        try {
          const res = rec.exchange("ToolProvider/ExecuteTool", sent, await d.clients.tools.executeTool(sent));
          if (!res.isError) rec.fail(`${t.name} accepted arguments its schema refuses`, "is_error = true with a message for the model");
        } catch (err) {
          rec.exchange("ToolProvider/ExecuteTool", sent, errorOf(err));
          rec.fail(`${t.name} answered a protocol error for refused arguments: ${errorOf(err).code}`, "a result with is_error = true");
        }
      }
      if (tried === 0) rec.skip("no tool's schema refuses an argument object the harness can build without doing real work");
    });

    await ctx.check(def("agentplatform.tools.unknown-tool-not-found", "MUST", "An unknown tool is a protocol error NOT_FOUND, which the platform reports as such", PROTO("tool")), async (rec) => {
      const d = reg.use(rec);
      const sent = { name: "agentwire_conformance_no_such_tool", argumentsJson: "{}" };
      try {
        rec.exchange("ToolProvider/ExecuteTool", sent, await d.clients.tools.executeTool(sent));
        rec.fail("an unknown tool was answered", "NOT_FOUND");
      } catch (err) {
        rec.exchange("ToolProvider/ExecuteTool", sent, errorOf(err));
        if (ConnectError.from(err).code !== Code.NotFound) rec.fail(`an unknown tool gave ${errorOf(err).code}`, "NOT_FOUND");
      }
    });

    for (const c of ctx.cases?.tools ?? []) {
      await ctx.check(def(`agentplatform.tools.case-result-json`, "MUST", "result_json is JSON the platform hands to the model", PROTO("tool")), async (rec) => {
        const d = driver;
        if (d === undefined) return rec.skip(skipped ?? "no driver");
        const sent = { name: c.tool, argumentsJson: JSON.stringify(c.arguments ?? {}) };
        const res = rec.exchange(`ToolProvider/ExecuteTool (case ${c.name})`, sent, await d.clients.tools.executeTool(sent));
        let parsedResult: unknown;
        try {
          parsedResult = JSON.parse(res.resultJson);
        } catch {
          rec.fail(`case ${c.name}: result_json is not JSON: ${res.resultJson.slice(0, 200)}`, "JSON in result_json");
        }
        if (c.expect?.isError !== undefined && res.isError !== c.expect.isError) rec.fail(`case ${c.name}: is_error is ${res.isError}, expected ${c.expect.isError}`);
        if (c.expect?.isError === undefined && res.isError) rec.fail(`case ${c.name}: the call answered is_error: ${res.resultJson.slice(0, 200)}`, "a successful call");
        if (c.expect?.result !== undefined && !subsetMatches(c.expect.result, parsedResult)) rec.fail(`case ${c.name}: the result does not contain the expected one`, JSON.stringify(c.expect.result));
      });
    }
  },
};

/** Arguments a conforming tool refuses before doing anything, or undefined when the schema does not say it would. */
function refusedArguments(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (schema === undefined) return undefined;
  if (schema["additionalProperties"] === false) return { __agentwire_invalid__: true };
  const required = Array.isArray(schema["required"]) ? (schema["required"] as unknown[]) : [];
  const props = isObject(schema["properties"]) ? schema["properties"] : {};
  for (const name of required) {
    if (typeof name !== "string") continue;
    const prop = props[name];
    const type = isObject(prop) ? prop["type"] : undefined;
    if (type === "string") return { [name]: { __agentwire_invalid__: true } };
    if (type === "number" || type === "integer" || type === "boolean" || type === "object" || type === "array") return { [name]: type === "object" ? ["__agentwire_invalid__"] : "__agentwire_invalid__" };
  }
  if (required.length > 0) return {};
  return undefined;
}

// ------------------------------------------------------------------------------------------------- llm

const llmSuite: Suite<AgentPlatformTarget, AgentPlatformCases> = {
  name: "agentplatform.llm",
  description: "LLMProvider: the Complete stream of each case, as the platform assembles it, and cancellation",
  async run(ctx) {
    const completions = ctx.cases?.completions ?? [];
    const needCases = (rec: CheckRecorder) => {
      if (completions.length === 0) rec.skip("no completions in the cases file (a completion is real work)");
    };
    interface Run {
      name: string;
      events: Array<Record<string, unknown>>;
      raw: CompleteResponse[];
      error?: { code: string; message: string };
    }
    const runs: Run[] = [];
    // No Register (and no LLM call) without cases: a completion is real work.
    const witnessCase = ctx.cases?.cancelUpstream;
    const reg = completions.length > 0 || witnessCase?.request !== undefined ? await registeredFor(ctx, Capability.LLM_PROVIDER) : undefined;
    const collect = async (rec: CheckRecorder) => {
      needCases(rec);
      const d = reg!.use(rec);
      if (runs.length > 0) return;
      for (const c of completions) {
        const run: Run = { name: c.name, events: [], raw: [] };
        try {
          for await (const ev of d.streamCompletion(c.request as CompleteRequestInit)) {
            run.raw.push(ev);
            run.events.push({ [ev.event.case ?? "none"]: ev.event.value });
          }
        } catch (err) {
          run.error = errorOf(err);
        }
        runs.push(run);
      }
    };
    const eachRun = async (rec: CheckRecorder, judge: (run: Run) => string | undefined, needed: string) => {
      await collect(rec);
      for (const run of runs) {
        rec.exchange(`LLMProvider/Complete (case ${run.name})`, completions.find((c) => c.name === run.name)?.request, run.error ?? run.events);
        if (run.error) rec.fail(`case ${run.name}: the stream failed: ${run.error.code} ${run.error.message}`, needed);
        const problem = judge(run);
        if (problem !== undefined) rec.fail(`case ${run.name}: ${problem}`, needed);
      }
    };
    const kinds = (run: Run) => run.raw.map((e) => e.event.case);

    await ctx.check(def("agentplatform.llm.one-finish-last", "MUST", "The platform ends a turn at the finish event: exactly one, the last", PROTO("llm")), (rec) =>
      eachRun(rec, (run) => {
        const k = kinds(run);
        const n = k.filter((x) => x === "finish").length;
        if (n !== 1) return `${n} finish events`;
        if (k[k.length - 1] !== "finish") return "the finish event is not the last";
        return undefined;
      }, "exactly one finish, as the last event"),
    );

    await ctx.check(def("agentplatform.llm.tool-delta-id", "MUST", "The platform groups tool-call deltas by id: every chunk carries it", PROTO("llm")), (rec) =>
      eachRun(rec, (run) => {
        for (const [i, e] of run.raw.entries()) if (e.event.case === "toolCallDelta" && e.event.value.id === "") return `tool-call delta #${i} has no id`;
        return undefined;
      }, "the call's id on every tool-call delta"),
    );

    await ctx.check(def("agentplatform.llm.tool-delta-name-first", "MUST", "The name comes with a call's first delta (and only there)", PROTO("llm")), (rec) =>
      eachRun(rec, (run) => {
        const seen = new Set<string>();
        for (const [i, e] of run.raw.entries()) {
          if (e.event.case !== "toolCallDelta") continue;
          const { id, name } = e.event.value;
          if (!seen.has(id) && name === "") return `tool-call delta #${i} starts call ${id} without a name`;
          if (seen.has(id) && name !== "") return `tool-call delta #${i} repeats the name of call ${id}`;
          seen.add(id);
        }
        return undefined;
      }, "the name on the first delta of each call only"),
    );

    await ctx.check(def("agentplatform.llm.tool-arguments-json", "MUST", "The platform parses each call's concatenated argument chunks as JSON", PROTO("llm")), (rec) =>
      eachRun(rec, (run) => {
        const args = new Map<string, string>();
        let finish: FinishReason | undefined;
        for (const e of run.raw) {
          if (e.event.case === "toolCallDelta") args.set(e.event.value.id, (args.get(e.event.value.id) ?? "") + e.event.value.argumentsChunk);
          if (e.event.case === "finish") finish = e.event.value.reason;
        }
        if (finish === FinishReason.MAX_TOKENS) return undefined;
        for (const [id, text] of args) {
          if (text === "") continue;
          try {
            JSON.parse(text);
          } catch {
            return `call ${id}'s arguments are not JSON: ${text.slice(0, 200)}`;
          }
        }
        return undefined;
      }, "argument chunks that join into JSON"),
    );

    await ctx.check(def("agentplatform.llm.tool-use-iff-calls", "MUST", "The platform runs tools when the finish is TOOL_USE, and only then", PROTO("llm")), (rec) =>
      eachRun(rec, (run) => {
        const calls = run.raw.some((e) => e.event.case === "toolCallDelta");
        const fin = run.raw.find((e) => e.event.case === "finish");
        if (fin?.event.case !== "finish") return undefined;
        const toolUse = fin.event.value.reason === FinishReason.TOOL_USE;
        if (calls && !toolUse && fin.event.value.reason !== FinishReason.MAX_TOKENS) return `tool calls but finish ${FinishReason[fin.event.value.reason]}`;
        if (!calls && toolUse) return "finish TOOL_USE without tool calls";
        return undefined;
      }, "TOOL_USE if and only if the stream has tool calls"),
    );

    await ctx.check(def("agentplatform.llm.usage-before-finish", "SHOULD", "The platform accounts usage when the finish arrives", PROTO("llm")), (rec) =>
      eachRun(rec, (run) => {
        const k = kinds(run);
        const u = k.indexOf("usage");
        if (u < 0) return "no usage event";
        if (u > k.indexOf("finish")) return "usage after finish";
        return undefined;
      }, "a usage event before the finish"),
    );

    await ctx.check(def("agentplatform.llm.case-expect", "MUST", "The author's expected finish and text", "cases file"), (rec) =>
      eachRun(rec, (run) => {
        const c = completions.find((x) => x.name === run.name);
        if (c?.expect === undefined) return undefined;
        const fin = run.raw.find((e) => e.event.case === "finish");
        const reason = fin?.event.case === "finish" ? FinishReason[fin.event.value.reason] : "none";
        const text = run.raw.map((e) => (e.event.case === "delta" ? e.event.value.content : "")).join("");
        if (c.expect.finish !== undefined && reason !== c.expect.finish) return `finish ${reason}, expected ${c.expect.finish}`;
        // An unanchored regular expression, as the cases format documents (the loader refused invalid ones).
        if (c.expect.text !== undefined && !new RegExp(c.expect.text).test(text)) return `the text ${JSON.stringify(text)} does not match /${c.expect.text}/`;
        return undefined;
      }, "the case's expect"),
    );

    await ctx.check(
      def(
        "agentplatform.llm.cancel-stops-stream",
        "MUST",
        "When a user stops a turn the platform cancels the call: the stream must end, and the plugin must stop its work (with cancelUpstream: its upstream request closed)",
        `${PROTO("llm")}; ${RESEARCH}`,
      ),
      async (rec) => {
        const request = witnessCase?.request ?? completions[0]?.request;
        if (request === undefined) return rec.skip("no completions in the cases file (a completion is real work)");
        let witness: UpstreamWitness | undefined;
        let d = reg!.use(rec);
        try {
          if (witnessCase !== undefined) {
            // The plugin registered again with its upstream pointed at the witness, as the platform re-registers on a config change.
            witness = await startUpstreamWitness();
            d = (await registered(ctx, rec, { ...configOf(ctx), ...withUpstream(witnessCase.config, witness.baseUrl) })).driver;
          }
          await cancelMidStream(ctx, rec, d, request, witness);
        } finally {
          await witness?.close();
          if (witness !== undefined) await registered(ctx).catch(() => undefined);
        }
      },
    );
  },
};

/**
 * Sends `request`, cancels it at its first event (with a witness: as soon as the plugin's upstream request
 * arrives) and judges what the wire shows: the stream ends (CANCELED, or completed before
 * the cancel); with a witness, every upstream request the call opened is closed by the plugin; and the plugin,
 * on the same connection, still answers Health (the cancelled call did not wedge it).
 */
async function cancelMidStream(ctx: Ctx, rec: CheckRecorder, d: PluginDriver, request: unknown, witness: UpstreamWitness | undefined): Promise<void> {
  const abort = new AbortController();
  const seen: string[] = [];
  let upstream: WitnessRequest | undefined;
  void witness?.nextRequest().then((r) => {
    upstream = r;
    abort.abort();
  });
  let ended: { code: string; message: string } | "completed" = "completed";
  try {
    for await (const ev of d.streamCompletion(request as CompleteRequestInit, { signal: abort.signal })) {
      seen.push(ev.event.case ?? "none");
      // Without a witness, cancel at the first event; with one, once the upstream request is under way.
      if (witness === undefined) abort.abort();
    }
  } catch (err) {
    ended = errorOf(err);
  }
  rec.exchange("LLMProvider/Complete (cancelled at its first event)", request, { events: seen, ended });
  if (ended !== "completed" && ended.code !== "Canceled") rec.fail(`the aborted stream ended with ${ended.code}`, "the stream ending with CANCELED");
  if (witness !== undefined) {
    const opened = witness.requests;
    if (upstream === undefined) rec.fail("the completion never called the upstream named by cancelUpstream.config", "a completion that calls its upstream at {{upstream}} (cancelUpstream.config)");
    const stillOpen = await openAfter(opened, ctx.callTimeoutMs, rec.signal);
    rec.exchange("upstream witness", opened.map((r) => `${r.method} ${r.path}`), { closed: opened.length - stillOpen.length, stillOpen: stillOpen.map((r) => `${r.method} ${r.path}`) });
    if (stillOpen.length > 0) {
      rec.fail(
        `${stillOpen.length} upstream request(s) still open ${ctx.callTimeoutMs} ms after the call was cancelled: the plugin kept working (and paying) for a turn the user stopped`,
        "the plugin aborting its upstream request when the call is cancelled (pass the call's signal to fetch)",
      );
    }
  }
  try {
    rec.exchange("Plugin/Health (same connection, after the cancel)", {}, Status[await d.health({ timeoutMs: ctx.callTimeoutMs, signal: rec.signal })]);
  } catch (err) {
    rec.exchange("Plugin/Health (same connection, after the cancel)", {}, errorOf(err));
    rec.fail(`after the cancel the plugin did not answer Health: ${errorOf(err).code}`, "the plugin releasing the cancelled call and serving the next one");
  }
}

/** The requests still open once each has closed or `timeoutMs` has passed (the harness's per-call deadline). */
async function openAfter(requests: readonly WitnessRequest[], timeoutMs: number, signal: AbortSignal): Promise<WitnessRequest[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    await Promise.race([Promise.all(requests.map((r) => r.closed)), deadline]);
  } finally {
    clearTimeout(timer);
  }
  return requests.filter((r) => !r.isClosed());
}

// ----------------------------------------------------------------------------------------------- hooks

const minimalPayloads: Record<string, Record<string, unknown>> = {
  AGENT_START: { agent_name: "agentwire-conformance", input: "" },
  AGENT_END: { agent_name: "agentwire-conformance", input: "" },
  TURN_START: { agent_name: "agentwire-conformance", turn_number: 1 },
  TURN_END: { agent_name: "agentwire-conformance", turn_number: 1 },
  LLM_REQUEST: { model: "", messages: [], tools: [] },
  LLM_RESPONSE: { content: "", tool_calls: [], finish_reason: "stop" },
  TOOL_CALL: { tool_name: "agentwire_conformance_tool", arguments_json: "{}" },
  TOOL_RESULT: { tool_name: "agentwire_conformance_tool", result_json: "{}", is_error: false },
  HANDOFF: { from_agent: "a", to_agent: "b", context: "" },
};

const hooksSuite: Suite<AgentPlatformTarget, AgentPlatformCases> = {
  name: "agentplatform.hooks",
  description: "LifecycleHook: every event type answered in time, with a real action and JSON for MODIFY",
  async run(ctx) {
    const reg = await registeredFor(ctx, Capability.LIFECYCLE_HOOK);
    interface Answer {
      event: string;
      /** The case it answers (none for the harness's own minimal events). */
      caseName?: string;
      action?: number;
      modified?: Uint8Array;
      error?: { code: string; message: string };
    }
    let answers: Answer[] | undefined;
    const send = async (rec: CheckRecorder): Promise<Answer[]> => {
      const d = reg.use(rec);
      if (answers === undefined) {
        answers = [];
        const all: Array<{ event: string; payload: Record<string, unknown>; caseName?: string }> = Object.entries(minimalPayloads).map(([event, payload]) => ({ event, payload }));
        for (const c of ctx.cases?.hooks ?? []) all.push({ event: c.event, payload: c.payload, caseName: c.name });
        for (const { event, payload, caseName } of all) {
          const from = caseName === undefined ? {} : { caseName };
          const sent = { type: EventType[event as keyof typeof EventType], agentName: "agentwire-conformance", payloadJson: new TextEncoder().encode(JSON.stringify(payload)) };
          try {
            const res = await d.clients.hooks.onEvent(sent, { timeoutMs: ctx.callTimeoutMs });
            answers.push({ event, ...from, action: res.action, ...(res.modifiedPayloadJson === undefined ? {} : { modified: res.modifiedPayloadJson }) });
          } catch (err) {
            answers.push({ event, ...from, error: errorOf(err) });
          }
        }
      }
      for (const a of answers) rec.exchange(`LifecycleHook/OnEvent ${a.event}`, a.caseName === undefined ? "(minimal payload)" : `(case ${a.caseName})`, a.error ?? { action: Action[a.action ?? 0], modified: a.modified === undefined ? undefined : new TextDecoder().decode(a.modified) });
      return answers;
    };

    await ctx.check(def("agentplatform.hooks.every-event-answered", "MUST", "The platform calls hooks on every event with a deadline; a hook that errs or times out blocks the agent", PROTO("lifecycle")), async (rec) => {
      const bad = (await send(rec)).filter((a) => a.error !== undefined);
      if (bad.length > 0) rec.fail(bad.map((a) => `${a.event}: ${a.error!.code} ${a.error!.message}`).join("; "), "an answer (CONTINUE at least) for every event type within the deadline");
    });
    await ctx.check(def("agentplatform.hooks.action-specified", "MUST", "ACTION_UNSPECIFIED is not an action the platform can take", PROTO("lifecycle")), async (rec) => {
      const bad = (await send(rec)).filter((a) => a.error === undefined && a.action === Action.ACTION_UNSPECIFIED);
      if (bad.length > 0) rec.fail(`ACTION_UNSPECIFIED for ${bad.map((a) => a.event).join(", ")}`, "CONTINUE, MODIFY or CANCEL");
    });
    await ctx.check(def("agentplatform.hooks.modify-carries-json", "MUST", "On MODIFY the platform replaces the payload with modified_payload_json", PROTO("lifecycle")), async (rec) => {
      for (const a of await send(rec)) {
        if (a.action !== Action.MODIFY) continue;
        try {
          JSON.parse(new TextDecoder().decode(a.modified ?? new Uint8Array()));
        } catch {
          rec.fail(`${a.event}: MODIFY without a JSON modified_payload_json`, "the modified payload as JSON");
        }
      }
    });
    for (const c of ctx.cases?.hooks ?? []) {
      if (c.expect?.action === undefined) continue;
      await ctx.check(def("agentplatform.hooks.case-expect", "MUST", "The author's expected action", "cases file"), async (rec) => {
        const a = (await send(rec)).find((x) => x.caseName === c.name);
        const got = a?.action === undefined ? a?.error?.code : Action[a.action];
        if (got !== c.expect!.action) rec.fail(`case ${c.name}: ${String(got)}, expected ${c.expect!.action}`);
      });
    }
  },
};

// ----------------------------------------------------------------------------------------------- views

/** Problems with a parsed view: only `component "<id>" { type = "..." }` blocks, nested ones included. */
function componentProblems(json: unknown, where: string): string[] {
  if (!isObject(json)) return [`${where}: not a body`];
  const problems: string[] = [];
  const components = json["component"];
  if (components === undefined) return problems;
  if (!isObject(components)) return [`${where}: a component block without its label`];
  for (const [id, bodies] of Object.entries(components)) {
    for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
      if (!isObject(body) || typeof body["type"] !== "string" || body["type"] === "") {
        problems.push(`${where}component "${id}" has no type`);
        continue;
      }
      problems.push(...componentProblems(body, `${where}component "${id}" > `));
    }
  }
  return problems;
}

const viewsSuite: Suite<AgentPlatformTarget, AgentPlatformCases> = {
  name: "agentplatform.views",
  description: "ViewProvider: view definitions, the component HCL of each view, and the cases' routes",
  async run(ctx) {
    const reg = await registeredFor(ctx, Capability.VIEW_PROVIDER);
    const { driver, skipped } = reg;
    let names: string[] | undefined;

    await ctx.check(def("agentplatform.views.definitions-valid", "MUST", "The platform mounts views by unique name, scope workspace|global, and routes by method", PROTO("view")), async (rec) => {
      const d = reg.use(rec);
      const views = rec.exchange("ViewProvider/ListViews", {}, await d.listViews());
      names = views.map((v) => v.name);
      const seen = new Set<string>();
      const problems: string[] = [];
      for (const v of views) {
        if (v.name === "" || seen.has(v.name)) problems.push(`view name ${JSON.stringify(v.name)} is empty or repeated`);
        seen.add(v.name);
        if (v.scope !== "workspace" && v.scope !== "global") problems.push(`${v.name}: scope ${JSON.stringify(v.scope)}`);
        for (const r of v.routes) if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method)) problems.push(`${v.name}: route method ${JSON.stringify(r.method)}`);
      }
      if (problems.length > 0) rec.fail(problems.join("; "), "unique names, scope workspace|global, methods GET|POST|PUT|PATCH|DELETE");
    });

    await ctx.check(def("agentplatform.views.render-components", "MUST", "The platform parses RenderView's HCL into component blocks, each with a type", `${PROTO("view")}; ${RESEARCH}`), async (rec) => {
      const d = driver;
      const list = names;
      if (d === undefined || list === undefined) return rec.skip(skipped ?? "no view list");
      if (list.length === 0) return rec.skip("no views");
      const problems: string[] = [];
      for (const name of list) {
        const sent = { viewName: name, workspaceId: "agentwire-conformance", params: {} };
        let hcl: string;
        try {
          hcl = rec.exchange("ViewProvider/RenderView", sent, await d.renderView(sent));
        } catch (err) {
          rec.exchange("ViewProvider/RenderView", sent, errorOf(err));
          problems.push(`${name}: RenderView failed: ${errorOf(err).code}`);
          continue;
        }
        let json: Record<string, unknown>;
        try {
          json = (await parseHcl(`${name}.hcl`, hcl)) as Record<string, unknown>;
        } catch (err) {
          problems.push(`${name}: not HCL: ${(err as Error).message}`);
          continue;
        }
        const other = Object.keys(json).filter((k) => k !== "component");
        if (other.length > 0) problems.push(`${name}: top-level ${other.join(", ")} outside component blocks`);
        problems.push(...componentProblems(json, `${name}: `));
      }
      if (problems.length > 0) rec.fail(problems.join("; "), 'component "<id>" { type = "..." ... } blocks');
    });

    await ctx.check(def("agentplatform.views.stream-metadata-first", "SHOULD", "The platform opens HandleStream with a metadata-first message (workspace_id, user_id, user_email); the plugin accepts it", PROTO("view")), async (rec) => {
      const d = driver;
      if (d === undefined || names === undefined) return rec.skip(skipped ?? "no view list");
      const metadata = { workspace_id: "agentwire-conformance", user_id: "conformance", user_email: "conformance@example.invalid" };
      const stream = d.openStream(metadata);
      stream.end();
      let timer: NodeJS.Timeout | undefined;
      const open = new Promise<"open">((res) => {
        timer = setTimeout(() => res("open"), ctx.callTimeoutMs);
      });
      try {
        const outcome = await Promise.race([stream.rest(), open]);
        rec.exchange("ViewProvider/HandleStream", { metadata, then: "end" }, outcome === "open" ? "(still open: relaying)" : { messages: outcome.length, ended: "OK" });
      } catch (err) {
        rec.exchange("ViewProvider/HandleStream", { metadata, then: "end" }, errorOf(err));
        if (ConnectError.from(err).code === Code.Unimplemented) return rec.skip("the plugin serves no HandleStream");
        rec.fail(`the stream failed: ${errorOf(err).code} ${errorOf(err).message}`, "a stream that accepts the metadata-first message");
      } finally {
        clearTimeout(timer);
        stream.cancel();
      }
    });

    for (const c of ctx.cases?.views ?? []) {
      for (const route of c.routes ?? []) {
        await ctx.check(def("agentplatform.views.case-route", "MUST", "The platform relays HandleRoute's status and body to the browser", PROTO("view")), async (rec) => {
          const d = driver;
          if (d === undefined) return rec.skip(skipped ?? "no driver");
          const res = await d.route({ method: route.method, path: route.path, ...(route.body === undefined ? {} : { json: route.body }) });
          rec.exchange(`ViewProvider/HandleRoute (case ${c.name})`, route, { status: res.status, body: res.text().slice(0, 2000) });
          if (!Number.isInteger(res.status) || res.status < 100 || res.status > 599) rec.fail(`status ${res.status} is not an HTTP status`, "100..599");
          if (route.expect?.status !== undefined && res.status !== route.expect.status) rec.fail(`status ${res.status}, expected ${route.expect.status}`);
          if (route.expect?.body !== undefined) {
            let body: unknown;
            try {
              body = JSON.parse(res.text());
            } catch {
              rec.fail("the body is not JSON", JSON.stringify(route.expect.body));
            }
            if (!subsetMatches(route.expect.body, body)) rec.fail("the body does not contain the expected one", JSON.stringify(route.expect.body));
          }
        });
      }
    }
  },
};

// ----------------------------------------------------------------------------------------------- local

const HANDSHAKE = /^1\|1\|tcp\|127\.0\.0\.1:\d{1,5}\|grpc$/;

const localSuite: Suite<AgentPlatformTarget, AgentPlatformCases> = {
  name: "agentplatform.local",
  description: "Local mode (--command): the handshake line, a clean stdout, and exit on SIGTERM",
  async run(ctx) {
    const target = ctx.target;
    if (!("command" in target)) {
      const skip = async (id: string) => ctx.check(def(id, "MUST", "local mode only", RESEARCH), async (rec) => rec.skip("an --address target: local mode is not tested"));
      await skip("agentplatform.local.handshake");
      await skip("agentplatform.local.stdout-only-handshake");
      await skip("agentplatform.local.sigterm-exit");
      return;
    }
    await disconnect(target);
    const started = startLocalPlugin(target);
    let line: string | undefined;
    try {
      await ctx.check(def("agentplatform.local.handshake", "MUST", "The platform reads 1|1|tcp|127.0.0.1:<port>|grpc from stdout to dial a local plugin", "hashicorp/go-plugin client.go (handshake); research §8.5"), async (rec) => {
        try {
          line = await readHandshake(started, ctx.callTimeoutMs);
        } catch (err) {
          rec.exchange("stdout", { command: target.command }, { stdout: started.stdoutLines, stderr: started.stderrLines.slice(-20) });
          rec.fail((err as Error).message, "the handshake line on stdout");
        }
        rec.exchange("stdout", { command: target.command }, line);
        if (line === undefined) return;
        if (!HANDSHAKE.test(line)) rec.fail(`the first stdout line is ${JSON.stringify(line)}`, "1|1|tcp|127.0.0.1:<port>|grpc");
        parseHandshake(line);
      });
      await ctx.check(def("agentplatform.local.stdout-only-handshake", "MUST", "stdout is the handshake channel: anything else on it breaks the host's reader", "hashicorp/go-plugin client.go; research §8.5"), async (rec) => {
        const got = line;
        if (got === undefined) return rec.skip("no handshake");
        // Exercise the plugin once (Register + Health) so what it writes while working shows up.
        const driver = createPluginDriver({ address: parseHandshake(got).address, callTimeoutMs: ctx.callTimeoutMs });
        try {
          await driver.register({ config: configOf(ctx) });
          await driver.health();
        } catch {
          /* judged by the plugin suite */
        }
        rec.exchange("stdout", "(after Register and Health)", started.stdoutLines);
        if (started.stdoutLines.length !== 1) rec.fail(`stdout has ${started.stdoutLines.length} lines: ${JSON.stringify(started.stdoutLines.slice(0, 5))}`, "the handshake line only (logs go to stderr)");
      });
    } finally {
      await ctx.check(def("agentplatform.local.sigterm-exit", "MUST", "The host sends SIGTERM and kills the plugin 2 s later; it must exit by then", "hashicorp/go-plugin client.go (Kill); research §8.5"), async (rec) => {
        if (started.child.exitCode !== null || started.child.signalCode !== null) rec.fail("the plugin had already exited", "a running plugin until SIGTERM");
        const t0 = performance.now();
        let killed = false;
        const timer = setTimeout(() => {
          killed = true;
          try {
            process.kill(-started.child.pid!, "SIGKILL");
          } catch {
            /* gone */
          }
        }, 2000);
        try {
          process.kill(-started.child.pid!, "SIGTERM");
        } catch {
          /* gone */
        }
        const exit = await started.exited;
        clearTimeout(timer);
        rec.exchange("SIGTERM", {}, { ...exit, afterMs: Math.round(performance.now() - t0), killed });
        if (killed) rec.fail("the plugin did not exit within 2 s of SIGTERM", "exit within 2 s of SIGTERM");
      });
      await stopLocalPlugin(started);
    }
  },
};

/** In order; `agentplatform.local` last, since it stops a `--command` plugin the others shared. */
export const agentPlatformSuites: Suite<AgentPlatformTarget, AgentPlatformCases>[] = [pluginSuite, toolsSuite, llmSuite, viewsSuite, hooksSuite, localSuite];
export { connect, disconnect, type Connection } from "./connect.js";
