import { Code, defineTask } from "@agentwire/flyte";
import type { Suite } from "../../suite.js";
import type { FlyteCases } from "../../cases.js";
import type { CheckRecorder } from "../../check.js";
import type { FlyteTarget } from "../../targets.js";
import { call, codeName, def, errorText, newDriver, plain, Problems, withServerDeadline, type Ctx, type Flavor } from "./common.js";
import type { Handle, Listed } from "./wire.js";

async function listAgents(ctx: Ctx, f: Flavor, rec: CheckRecorder): Promise<Listed[]> {
  const wire = f.wire(ctx);
  const r = await call(rec, f.calls.list, {}, () => wire.list({ timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
  if (r.error) {
    if (r.error.code === Code.Unimplemented) return rec.skip(f.say("the server does not serve AgentMetadataService (Propeller then routes by its config)"));
    return rec.fail(`${f.calls.list.split("/")[1]} failed: ${errorText(r.error)}`, f.say("ListAgents answered OK (Propeller calls it at start and every 10 s)"));
  }
  return r.ok;
}

function uniqueName(): string {
  return `agentwire_conformance_unknown_${Math.random().toString(36).slice(2, 10)}`;
}

/** The Flyte 1 metadata checks on Flyte 1's own fields (the deprecated task types, is_sync). */
async function flyte1OnlyChecks(ctx: Ctx, f: Flavor): Promise<void> {
  const SRC = f.src;
  await ctx.check(
    {
      id: "flyte.metadata.deprecated-task-types",
      level: "SHOULD",
      reason: "Propeller 1.x still reads the deprecated supported_task_types (as version 0), then the categories; a stray name there routes tasks to an agent that does not serve them, a missing one breaks older Propellers",
      source: `${SRC.client} (registry built from supported_task_types, then supported_task_categories)`,
    },
    async (rec) => {
      const agents = await listAgents(ctx, f, rec);
      for (const a of agents) {
        const names = new Set(a.supportedTaskCategories.map((c) => c.name));
        const types = a.supportedTaskTypes ?? [];
        for (const t of types) if (!names.has(t)) return rec.fail(`agent ${a.name} lists supported_task_types ${t} that none of its categories names`, "supported_task_types: exactly the names of supported_task_categories");
        for (const n of names) if (!types.includes(n)) return rec.fail(`agent ${a.name} does not list ${n} in the deprecated supported_task_types`, "supported_task_types filled with each category's name, for Propeller before task categories");
      }
    },
  );
}

async function isSyncHonoured(ctx: Ctx, f: Flavor): Promise<void> {
  await ctx.check(
    {
      id: "flyte.metadata.is-sync-honoured",
      level: "MUST",
      reason: "Propeller calls ExecuteTaskSync for is_sync agents and CreateTask for the others: an async type must refuse ExecuteTaskSync (is_sync is right)",
      source: `${f.src.plugin} (getFinalConnector, Create: registry[...].IsSync)`,
    },
    async (rec) => {
      const agents = await listAgents(ctx, f, rec);
      const asyncCats = agents.filter((a) => !a.isSync).flatMap((a) => a.supportedTaskCategories);
      if (asyncCats.length === 0) return rec.skip("no async agent listed");
      const driver = newDriver(ctx);
      for (const c of asyncCats) {
        const sent = { header: { template: { type: c.name, taskTypeVersion: c.version }, outputPrefix: "s3://agentwire-conformance/none" }, inputs: {} };
        const task = defineTask({ taskType: c.name, version: c.version });
        const r = await call(rec, "SyncAgentService/ExecuteTaskSync", sent, async () =>
          (await driver.executeTaskSync(task, {}, { outputPrefix: sent.header.outputPrefix, call: { timeoutMs: ctx.callTimeoutMs, signal: rec.signal } })).replies,
        );
        if (!r.error) return rec.fail(`ExecuteTaskSync for ${c.name}@${c.version}, listed async (is_sync false), was answered OK`, "is_sync true for an agent that answers ExecuteTaskSync, or a refusal");
        if (r.error.code === Code.DeadlineExceeded) return rec.fail(`ExecuteTaskSync for async ${c.name} hung until the deadline`, "a prompt refusal");
      }
    },
  );
}

export function metadataSuite(f: Flavor): Suite<FlyteTarget, FlyteCases> {
  const SRC = f.src;
  const [list, get] = [f.calls.list.split("/")[1]!, f.calls.get.split("/")[1]!];
  return {
    name: `${f.protocol}.metadata`,
    description: f.say("ListAgents/GetAgent: what Propeller's metadata watcher routes by"),
    async run(ctx) {
      await ctx.check(
        def(f, {
          id: "flyte.metadata.agents-listed",
          level: "MUST",
          reason: "Propeller routes a task type to a deployment only when ListAgents lists an agent with a name and its task categories",
          source: `${SRC.client} (${list}, metadata watcher), ${SRC.plugin}`,
        }),
        async (rec) => {
          const agents = await listAgents(ctx, f, rec);
          const noun = f.protocol === "flyte" ? "agent" : "connector";
          if (agents.length === 0) return rec.fail(`${list} listed no ${noun}`, `at least one ${noun}, with its supported_task_categories`);
          for (const a of agents) {
            if (a.name === "") return rec.fail(`a ${noun} is listed without a name`, `every ${noun} named`);
            if (a.supportedTaskCategories.length === 0) return rec.fail(`${noun} ${a.name} lists no supported_task_categories`, `each ${noun}'s task categories (name, version)`);
            for (const c of a.supportedTaskCategories) if (c.name === "") return rec.fail(`${noun} ${a.name} lists a task category without a name`, "a task type name per category");
          }
        },
      );

      if (f.protocol === "flyte") await flyte1OnlyChecks(ctx, f);

      await ctx.check(
        def(f, {
          id: "flyte.metadata.get-agent-agrees",
          level: "SHOULD",
          reason: "GetAgent(name) must describe the agent as ListAgents does (Propeller never calls it, flytekit's tooling and people do)",
          source: SRC.proto,
        }),
        async (rec) => {
          const agents = await listAgents(ctx, f, rec);
          const wire = f.wire(ctx);
          for (const a of agents) {
            const r = await call(rec, f.calls.get, { name: a.name }, () => wire.get(a.name, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
            if (r.error) return rec.fail(`${get}(${a.name}) failed: ${errorText(r.error)}`, `${get} answers every one ${list} lists`);
            const g = r.ok;
            if (g === undefined) return rec.fail(`${get}(${a.name}) answered without one`, "its description");
            const key = (x: Listed) => JSON.stringify({ name: x.name, isSync: x.isSync, c: x.supportedTaskCategories.map((c) => `${c.name}@${c.version}`).sort() });
            if (key(g) !== key(a)) return rec.fail(`${get}(${a.name}) differs from ${list}: ${JSON.stringify(plain(g))} vs ${JSON.stringify(plain(a))}`, "the same name, is_sync and categories");
          }
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.metadata.get-agent-unknown-not-found",
          level: "SHOULD",
          reason: "GetAgent of a name the server does not have should answer NOT_FOUND, so tooling can tell a typo from an outage",
          source: SRC.proto,
        }),
        async (rec) => {
          const wire = f.wire(ctx);
          const unknown = uniqueName();
          const r = await call(rec, f.calls.get, { name: unknown }, () => wire.get(unknown, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (r.error?.code === Code.Unimplemented) return rec.skip(`${f.calls.get.split("/")[0]} is not served`);
          if (!r.error || r.error.code !== Code.NotFound) return rec.fail(`${get} of an unknown name answered ${r.error ? `${errorText(r.error)}` : "OK"}`, "NOT_FOUND for a name it does not have");
        },
      );

      if (f.protocol === "flyte") await isSyncHonoured(ctx, f);

      await ctx.check(
        def(f, {
          id: "flyte.metadata.deadline-honoured",
          level: "MUST",
          reason:
            "Propeller gives every call a deadline (10 s by default for connector-service, 3 s for agent-service); the server must end a call by its deadline (an answer or DEADLINE_EXCEEDED), on ListAgents, CreateTask and GetTask alike, never hang past it",
          source: `${SRC.config} (defaultTimeout, timeouts), ${SRC.client}`,
        }),
        async (rec) => {
          const wire = f.wire(ctx);
          const problems = new Problems(rec);
          const note = (problem: string | undefined) => problem !== undefined && problems.add(problem);
          // Only calls a conforming server answers or refuses at once: metadata, an unknown task type, a resource_meta that names no task.
          note(await withServerDeadline(ctx, rec, f.calls.list, {}, (o) => wire.list(o)));
          const unknown = uniqueName();
          note(await withServerDeadline(ctx, rec, `${f.calls.create} (unknown task type)`, { template: { type: unknown, taskTypeVersion: 0 } }, (o) => wire.createBare(unknown, 0, o)));
          let asyncCat: { name: string; version: number } | undefined;
          try {
            asyncCat = (await wire.list({ timeoutMs: ctx.callTimeoutMs, signal: rec.signal })).filter((a) => !a.isSync).flatMap((a) => a.supportedTaskCategories)[0];
          } catch {
            asyncCat = undefined;
          }
          if (asyncCat !== undefined) {
            const h: Handle = { task: defineTask({ taskType: asyncCat.name, version: asyncCat.version }), category: asyncCat, resourceMeta: new TextEncoder().encode("{}"), outputPrefix: "s3://agentwire-conformance/none" };
            note(await withServerDeadline(ctx, rec, `${f.calls.getTask} (resource_meta {} that names no task)`, f.sent(h, "get"), (o) => wire.getTask(h, o)));
          }
          problems.failIfAny("every call ended by its deadline: an answer, a refusal or DEADLINE_EXCEEDED");
          const again = await call(rec, f.calls.list, {}, () => wire.list({ timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (again.error && again.error.code !== Code.Unimplemented) return rec.fail(`after a deadline, ${list} failed: ${codeName(again.error)}`, "the server still serving");
        },
      );
    },
  };
}

const corruptMetas: Array<{ label: string; bytes: Uint8Array }> = [
  { label: "bytes that are not the server's encoding", bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x9c, 0x7b, 0x22, 0x80]) },
  { label: "an empty JSON object", bytes: new TextEncoder().encode("{}") },
  { label: "forged JSON with a path", bytes: new TextEncoder().encode(JSON.stringify({ jobId: "../../../etc/passwd", id: "../../x", pgid: 1, name: "x" })) },
];

export function errorsSuite(f: Flavor): Suite<FlyteTarget, FlyteCases> {
  const SRC = f.src;
  const list = f.calls.list.split("/")[1]!;
  const bare = (name: string, version: number): Handle => ({ task: defineTask({ taskType: name, version }), category: { name, version }, resourceMeta: new TextEncoder().encode("{}"), outputPrefix: "s3://agentwire-conformance/none" });
  return {
    name: `${f.protocol}.errors`,
    description: f.say("Refusals Propeller relies on: NOT_FOUND for unknown task types, errors (not crashes) for corrupt resource_meta"),
    async run(ctx) {
      await ctx.check(
        def(f, {
          id: "flyte.errors.unknown-task-type-not-found",
          level: "MUST",
          reason: "a task type the server does not serve must be refused with NOT_FOUND, not run by another agent or answered OK",
          source: `${SRC.plugin} (getFinalConnector), ${f.protocol === "flyte" ? "flytekit connector_service.py (FlyteConnectorNotFound → NOT_FOUND)" : `${SRC.sdkServer} (ConnectorRegistry.get_connector → NOT_FOUND)`}`,
        }),
        async (rec) => {
          const wire = f.wire(ctx);
          const name = uniqueName();
          const r = await call(rec, f.calls.create, { template: { type: name, taskTypeVersion: 0 } }, () => wire.createBare(name, 0, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (!r.error || r.error.code !== Code.NotFound) return rec.fail(`CreateTask for unknown task type ${name} answered ${r.error ? codeName(r.error) : "OK"}`, "NOT_FOUND");
          const h = bare(name, 0);
          const g = await call(rec, f.calls.getTask, f.sent(h, "get"), () => wire.getTask(h, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (!g.error || g.error.code !== Code.NotFound) return rec.fail(`GetTask for unknown task type ${name} answered ${g.error ? codeName(g.error) : "OK"}`, "NOT_FOUND");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.errors.unknown-version-not-found",
          level: "MUST",
          reason: "routing is by (task type, version): a version no agent serves must be refused with NOT_FOUND",
          source: `${SRC.plugin} (registry[template.type][template.task_type_version])`,
        }),
        async (rec) => {
          const wire = f.wire(ctx);
          let agents: Listed[];
          try {
            agents = await wire.list({ timeoutMs: ctx.callTimeoutMs });
          } catch {
            return rec.skip(`${list} not answered: no known task type to probe`);
          }
          const cat = agents.filter((a) => !a.isSync).flatMap((a) => a.supportedTaskCategories)[0];
          if (cat === undefined) return rec.skip("no async task category listed");
          const served = new Set(agents.flatMap((a) => a.supportedTaskCategories).filter((c) => c.name === cat.name).map((c) => c.version));
          let version = 9000;
          while (served.has(version)) version += 1;
          const r = await call(rec, f.calls.create, { template: { type: cat.name, taskTypeVersion: version } }, () => wire.createBare(cat.name, version, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (!r.error || r.error.code !== Code.NotFound) return rec.fail(`CreateTask for ${cat.name} version ${version} (not served) answered ${r.error ? codeName(r.error) : "OK"}`, "NOT_FOUND");
        },
      );

      let asyncCats: Array<{ name: string; version: number }> | undefined;
      await ctx.check(
        def(f, {
          id: "flyte.errors.corrupt-resource-meta-refused",
          level: "MUST",
          reason: "resource_meta comes back from Propeller's CRD after restarts and may be stale or forged: GetTask/DeleteTask must refuse it with an error status, not answer a made-up task",
          source: `${SRC.plugin} (ResourceMetaWrapper persisted in the CRD), ${SRC.cache}`,
        }),
        async (rec) => {
          const wire = f.wire(ctx);
          try {
            asyncCats = (await wire.list({ timeoutMs: ctx.callTimeoutMs })).filter((a) => !a.isSync).flatMap((a) => a.supportedTaskCategories);
          } catch {
            return rec.skip(`${list} not answered: no task type to probe`);
          }
          if (asyncCats.length === 0) return rec.skip("no async task category listed");
          for (const cat of asyncCats) {
            for (const meta of corruptMetas) {
              const h: Handle = { ...bare(cat.name, cat.version), resourceMeta: meta.bytes };
              const g = await call(rec, f.calls.getTask, f.sent(h, "get"), () => wire.getTask(h, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
              if (!g.error) return rec.fail(`GetTask for ${cat.name} with ${meta.label} as resource_meta answered OK`, "an error status (INVALID_ARGUMENT or NOT_FOUND)");
              if (g.error.code === Code.DeadlineExceeded) return rec.fail(`GetTask with ${meta.label} hung until the deadline`, "a prompt error status");
              const d = await call(rec, f.calls.deleteTask, f.sent(h, "delete"), () => wire.deleteTask(h, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
              if (!d.error) return rec.fail(`DeleteTask for ${cat.name} with ${meta.label} as resource_meta answered OK`, "an error status (INVALID_ARGUMENT or NOT_FOUND)");
              if (d.error.code === Code.DeadlineExceeded) return rec.fail(`DeleteTask with ${meta.label} hung until the deadline`, "a prompt error status");
            }
          }
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.errors.serves-after-corrupt-resource-meta",
          level: "MUST",
          reason: "one bad resource_meta must not take the server down: Propeller keeps polling every other task on it",
          source: `${SRC.cache} (every non-terminal task polled), ${SRC.client}`,
        }),
        async (rec) => {
          if (asyncCats === undefined || asyncCats.length === 0) return rec.skip("no corrupt resource_meta was sent");
          const wire = f.wire(ctx);
          const r = await call(rec, f.calls.list, {}, () => wire.list({ timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (r.error) return rec.fail(`after corrupt resource_meta, ${list} failed: ${errorText(r.error)}`, "the server still serving");
        },
      );
    },
  };
}
