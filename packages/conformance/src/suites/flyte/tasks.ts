import { setMaxListeners } from "node:events";
import { Code, maxResourceMetaBytes, toLiteralMap, type ConnectError, type LiteralMap } from "@agentwire/flyte";
import { HealthCheckResponse_ServingStatus, taskTemplate, type ExecuteTaskSyncOptions, type LaunchOptions } from "@agentwire/flyte/testing";
import type { CallOptions } from "@connectrpc/connect";
import type { FlyteCases, FlyteTaskCase } from "../../cases.js";
import type { CheckRecorder } from "../../check.js";
import type { Suite } from "../../suite.js";
import type { FlyteTarget } from "../../targets.js";
import {
  call,
  caseTask,
  codeName,
  decodeOutputs,
  def,
  errorText,
  expectMismatch,
  handleOf,
  hasOutputs,
  newDriver,
  phaseName,
  plain,
  Problems,
  syncTypes,
  terminalPhases,
  withServerDeadline,
  type Ctx,
  type Flavor,
} from "./common.js";
import { flyte1, maskedConnection, type FlyteWire, type Handle, type WireResource } from "./wire.js";

interface Answer {
  phase: number;
  message: string;
  outputs?: LiteralMap;
  logLinks?: Array<{ name: string; uri: string }>;
}

interface Launched {
  c: FlyteTaskCase;
  h: Handle;
  /** Every Resource answered by GetTask, in order. */
  answers: Answer[];
  /** Set once the task reached a terminal phase. */
  final?: Answer;
  deleted?: boolean;
  /** CreateTask failed (with an expected RETRYABLE_FAILED). */
  createError?: string;
  /** Every error message the server answered for this task (judged for leaked secrets). */
  errors: string[];
}

let counter = 0;
function outputPrefix(c: FlyteTaskCase): string {
  counter += 1;
  return `s3://agentwire-conformance/metadata/${c.taskType}/n${counter}/0`;
}

/** One GetTask through the wire, the Resource as the agent sent it. */
async function getTask(ctx: Ctx, f: Flavor, rec: CheckRecorder, wire: FlyteWire, l: Launched, options: CallOptions = { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }) {
  const r = await call(rec, `${f.calls.getTask} (${l.c.name})`, f.sent(l.h, "get"), async () => ({ resource: await wire.getTask(l.h, options) }));
  if (r.error) l.errors.push(r.error.rawMessage);
  return r;
}

/** Propeller's message for an attempt that an rpc error ended (a retryable failure). */
function rpcFailure(what: string, err: ConnectError): string {
  return `${what} with rpc error: code = ${codeName(err)} desc = ${err.rawMessage}`;
}

/** One CreateTask through the wire (the case's template, inputs, custom, connection and a fresh output prefix). */
async function createTask(ctx: Ctx, f: Flavor, rec: CheckRecorder, wire: FlyteWire, c: FlyteTaskCase, label = c.name) {
  const prefix = outputPrefix(c);
  const task = caseTask(c);
  const request = { task, inputs: c.inputs ?? {}, outputPrefix: prefix, ...(c.custom === undefined ? {} : { custom: c.custom }), ...(c.connection === undefined ? {} : { connection: c.connection }) };
  const connection = c.connection && maskedConnection(c.connection);
  const sent = { template: { type: c.taskType, taskTypeVersion: c.version ?? 0, ...(c.custom === undefined ? {} : { custom: c.custom }) }, inputs: c.inputs ?? {}, outputPrefix: prefix, ...(connection ? { connection } : {}) };
  const r = await call(rec, `${f.calls.create} (${label})`, sent, async () => ({ resourceMeta: await wire.launch(request, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }) }));
  return { prefix, r };
}

/** One DeleteTask through the wire. */
async function deleteTask(ctx: Ctx, f: Flavor, rec: CheckRecorder, wire: FlyteWire, l: Launched) {
  const r = await call(rec, `${f.calls.deleteTask} (${l.c.name})`, f.sent(l.h, "delete"), () => wire.deleteTask(l.h, { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
  if (r.error) l.errors.push(r.error.rawMessage);
  return r;
}

/** Shows an answer a previous check received as evidence in this one. */
function evidence(f: Flavor, rec: CheckRecorder, l: Launched, a: Answer, what: string): void {
  rec.exchange(`${f.calls.getTask} (${l.c.name}, ${what})`, plain({ resourceMeta: l.h.resourceMeta, outputPrefix: l.h.outputPrefix }), plain({ resource: { ...a, phase: phaseName(a.phase) ?? a.phase } }));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Concurrent calls each listen to the check's signal: more than Node's default of 10 is expected here. */
function allowConcurrentListeners(signal: AbortSignal): void {
  setMaxListeners(0, signal);
}

function answerOf(res: WireResource | undefined): Answer {
  const logLinks = res?.logLinks?.map((l) => ({ name: l.name, uri: l.uri }));
  return { phase: res?.phase ?? 0, message: res?.message ?? "", ...(res?.outputs ? { outputs: res.outputs } : {}), ...(logLinks?.length ? { logLinks } : {}) };
}

export function asyncSuite(f: Flavor): Suite<FlyteTarget, FlyteCases> {
  const SRC = f.src;
  return {
    name: `${f.protocol}.async`,
    description: f.say("The author's async cases, driven as Propeller does: CreateTask, GetTask on fresh connections until terminal, DeleteTask"),
    async run(ctx) {
      const sync = await syncTypes(ctx, f);
      const cases = (ctx.cases?.tasks ?? []).filter((c) => !sync?.has(c.taskType));
      const launched: Launched[] = [];
      /** CreateTask refusals of cases that did not expect one (judged for leaked secrets too). */
      const createErrors: Array<{ c: FlyteTaskCase; message: string }> = [];
      const noCases = "no async task cases (tasks in the cases file)";

      await ctx.check(
        def(f, {
          id: "flyte.async.create-returns-resource-meta",
          level: "MUST",
          reason: "Propeller persists CreateTask's resource_meta in the workflow CRD and sends it back on every GetTask/DeleteTask; an empty one leaves nothing to poll",
          source: `${SRC.plugin} (Create, ResourceMetaWrapper), ${SRC.launcher}`,
        }),
        async (rec) => {
          if (cases.length === 0) return rec.skip(noCases);
          allowConcurrentListeners(rec.signal);
          const wire = f.wire(ctx);
          const failures = new Problems(rec);
          await Promise.all(
            cases.map(async (c) => {
              const { prefix, r } = await createTask(ctx, f, rec, wire, c);
              if (r.error) {
                // Propeller turns any CreateTask error into a retryable failure of the attempt.
                const message = rpcFailure("failed to create task from connector", r.error);
                if ((c.expect?.phase ?? "").toUpperCase() === "RETRYABLE_FAILED") {
                  launched.push({ c, h: handleOf(c, new Uint8Array(), prefix), answers: [], createError: message, final: { phase: 8, message }, errors: [r.error.rawMessage] });
                  return;
                }
                failures.add(`${c.name}: CreateTask failed: ${errorText(r.error)}`);
                createErrors.push({ c, message: r.error.rawMessage });
                return;
              }
              if (r.ok.resourceMeta.length === 0) failures.add(`${c.name}: CreateTask answered an empty resource_meta`);
              else launched.push({ c, h: handleOf(c, r.ok.resourceMeta, prefix), answers: [], errors: [] });
            }),
          );
          failures.failIfAny("CreateTask answered OK with a non-empty resource_meta");
        },
      );

      const created = () => launched.filter((l) => l.createError === undefined);

      await ctx.check(
        def(f, {
          id: "flyte.async.resource-meta-small",
          level: "SHOULD",
          reason: "resource_meta is stored in the FlyteWorkflow CRD (etcd) and logged by Propeller: it must stay small",
          source: `${SRC.plugin} (ResourceMetaWrapper gob-encoded into the CRD), ${SRC.launcher} (logged)`,
        }),
        async (rec) => {
          if (created().length === 0) return rec.skip("no task was created");
          for (const l of created()) {
            if (l.h.resourceMeta.length > maxResourceMetaBytes) return rec.fail(`${l.c.name}: resource_meta is ${l.h.resourceMeta.length} bytes`, `at most ${maxResourceMetaBytes} bytes`);
          }
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.get-task-from-resource-meta",
          level: "MUST",
          reason: "Propeller polls GetTask on its own connections, from any replica and after restarts, with resource_meta alone: nothing may depend on the CreateTask connection",
          source: `${SRC.plugin} (Get from ResourceMetaWrapper), ${SRC.cache}, ${SRC.client} (new connections per round)`,
        }),
        async (rec) => {
          if (created().length === 0) return rec.skip("no task was created");
          const fresh = f.wire(ctx);
          const failures = new Problems(rec);
          for (const l of created()) {
            const r = await getTask(ctx, f, rec, fresh, l);
            if (r.error) failures.add(`${l.c.name}: GetTask on a fresh connection failed: ${errorText(r.error)}`);
            else if (r.ok.resource === undefined) failures.add(`${l.c.name}: GetTask on a fresh connection answered no resource`);
            else {
              l.answers.push(answerOf(r.ok.resource));
            }
          }
          failures.failIfAny("GetTask answered from resource_meta alone, on any connection");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.deadline-honoured",
          level: "MUST",
          reason: "Propeller polls each task's GetTask with a deadline; the agent must answer or end the call (DEADLINE_EXCEEDED) by it, not keep a worker waiting past it",
          source: `${SRC.config} (defaultTimeout), ${SRC.client}, ${SRC.cache}`,
        }),
        async (rec) => {
          if (created().length === 0) return rec.skip("no task was created");
          const wire = f.wire(ctx);
          const failures = new Problems(rec);
          for (const l of created()) {
            const problem = await withServerDeadline(ctx, rec, `${f.calls.getTask} (${l.c.name})`, f.sent(l.h, "get"), (o) => wire.getTask(l.h, o));
            if (problem !== undefined) failures.add(`${l.c.name}: ${problem}`);
          }
          failures.failIfAny("GetTask answered, or ended with DEADLINE_EXCEEDED, by the deadline Propeller sent");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.valid-phases",
          level: "MUST",
          reason: "Propeller maps each Resource phase; an empty (UNDEFINED, legacy state 0) one reads as a retryable failure, an unknown one as a system error, and a task must reach a terminal phase",
          source: `${SRC.plugin} (Status: phase table), ${SRC.cache}`,
        }),
        async (rec) => {
          const live = created().filter((l) => l.answers.length > 0);
          if (live.length === 0) return rec.skip("no task answered GetTask");
          allowConcurrentListeners(rec.signal);
          const wire = f.wire(ctx);
          const failures = new Problems(rec);
          const check = (l: Launched, a: Answer): boolean => {
            const name = phaseName(a.phase);
            if (name === undefined) {
              failures.add(`${l.c.name}: GetTask answered ${a.phase === 0 ? "an empty (UNDEFINED) phase" : `unknown phase ${a.phase}`}`);
              return false;
            }
            if (terminalPhases.has(name)) l.final = a;
            return true;
          };
          await Promise.all(
            live.map(async (l) => {
              let a: Answer | undefined = l.answers[l.answers.length - 1];
              if (a !== undefined) evidence(f, rec, l, a, "first answer, on a fresh connection");
              if (a !== undefined && !check(l, a)) return;
              while (l.final === undefined && !rec.signal.aborted) {
                if (l.c.abort && !l.deleted && phaseName(a?.phase ?? 0) === "RUNNING") {
                  const d = await deleteTask(ctx, f, rec, wire, l);
                  l.deleted = true;
                  if (d.error) failures.add(`${l.c.name}: DeleteTask of a RUNNING task failed: ${errorText(d.error)}`);
                } else {
                  await pause(50, rec.signal);
                }
                const r = await getTask(ctx, f, rec, wire, l);
                if (r.error) {
                  failures.add(`${l.c.name}: GetTask failed: ${errorText(r.error)}`);
                  return;
                }
                a = answerOf(r.ok.resource);
                l.answers.push(a);
                if (!check(l, a)) return;
              }
            }),
          );
          failures.failIfAny("every GetTask answers a known phase (QUEUED … SUCCEEDED/FAILED/ABORTED), ending terminal");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.outputs-only-on-succeeded",
          level: "MUST",
          reason: "Propeller writes outputs only for SUCCEEDED; outputs with another phase show a task as done that is not",
          source: `${SRC.plugin} (Status, writeOutput)`,
        }),
        async (rec) => {
          const all = created().flatMap((l) => l.answers.map((a) => ({ l, a })));
          if (all.length === 0) return rec.skip("no GetTask answer");
          const bad = all.filter(({ a }) => hasOutputs(a.outputs) && phaseName(a.phase) !== "SUCCEEDED");
          for (const { l, a } of bad) evidence(f, rec, l, a, "answered while polling");
          if (bad.length > 0) return rec.fail(bad.map(({ l, a }) => `${l.c.name}: outputs with phase ${phaseName(a.phase) ?? a.phase}`).join("; "), "outputs only in a SUCCEEDED resource");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.outputs-match-interface",
          level: "MUST",
          reason: "Propeller writes the Resource's outputs as the node's outputs.pb; downstream tasks read them with the declared interface (a string \"42\" is not an integer 42)",
          source: `${SRC.plugin} (writeOutput), ${SRC.handler} (outputs must exist)`,
        }),
        async (rec) => {
          const done = created().filter((l) => l.final !== undefined && phaseName(l.final.phase) === "SUCCEEDED" && l.c.interface?.outputs !== undefined);
          if (done.length === 0) return rec.skip("no SUCCEEDED task with declared outputs");
          const failures = new Problems(rec);
          for (const l of done) {
            if (l.final !== undefined) evidence(f, rec, l, l.final, "terminal answer");
            if (Object.keys(l.c.interface?.outputs ?? {}).length > 0 && !hasOutputs(l.final?.outputs)) {
              failures.add(`${l.c.name}: SUCCEEDED without outputs although the interface declares some (the harness cannot read outputs.pb written by the job)`);
              continue;
            }
            try {
              decodeOutputs(l.c, l.final?.outputs);
            } catch (err) {
              failures.add(`${l.c.name}: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
          failures.failIfAny("every declared output, of its declared type");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.expected-results",
          level: "MUST",
          reason: "each case ends as its author expects (phase, outputs by subset, message by regex)",
          source: `${SRC.plugin} (Status: the phase and message Propeller reports)`,
        }),
        async (rec) => {
          const withExpect = launched.filter((l) => l.c.expect !== undefined || l.c.abort);
          if (withExpect.length === 0) return rec.skip("no case with expect");
          const failures = new Problems(rec);
          for (const l of withExpect) {
            if (l.final === undefined) {
              failures.add(`${l.c.name}: never reached a terminal phase`);
              continue;
            }
            evidence(f, rec, l, l.final, "terminal answer");
            let outputs: Record<string, unknown> | undefined;
            try {
              outputs = hasOutputs(l.final.outputs) ? decodeOutputs(l.c, l.final.outputs) : undefined;
            } catch {
              outputs = undefined;
            }
            const m = expectMismatch(l.c, phaseName(l.final.phase) ?? String(l.final.phase), l.final.message, outputs);
            if (m) failures.add(`${l.c.name}: ${m}`);
          }
          failures.failIfAny("the results the cases file declares");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.abort-ends-task",
          level: "MUST",
          reason: "Propeller aborts a node with DeleteTask while it runs; the task must then stop and end (ABORTED unless the case says otherwise)",
          source: `${SRC.core} (Abort → Delete), ${SRC.handler}`,
        }),
        async (rec) => {
          const aborts = created().filter((l) => l.c.abort);
          if (aborts.length === 0) return rec.skip("no case with abort: true");
          const failures = new Problems(rec);
          for (const l of aborts) {
            if (!l.deleted) failures.add(`${l.c.name}: never seen RUNNING (${l.answers.map((a) => phaseName(a.phase) ?? a.phase).join(" → ")}), so DeleteTask was not sent`);
            else if (l.final === undefined) failures.add(`${l.c.name}: no terminal phase after DeleteTask`);
            else {
              const wanted = (l.c.expect?.phase ?? "ABORTED").toUpperCase();
              if (phaseName(l.final.phase) !== wanted) failures.add(`${l.c.name}: after DeleteTask, ${phaseName(l.final.phase)} instead of ${wanted}`);
            }
          }
          failures.failIfAny("DeleteTask of a RUNNING task, then the expected terminal phase");
        },
      );

      await ctx.check(
        def(f, {
          id: "flyte.async.delete-idempotent",
          level: "MUST",
          reason: "Propeller retries a failed abort on later rounds and may delete a finished task: DeleteTask must succeed twice and after completion",
          source: `${SRC.core} (Abort retried), ${SRC.handler}`,
        }),
        async (rec) => {
          if (created().length === 0) return rec.skip("no task was created");
          const wire = f.wire(ctx);
          const failures = new Problems(rec);
          for (const l of created()) {
            for (const attempt of [1, 2]) {
              const d = await deleteTask(ctx, f, rec, wire, l);
              if (d.error) failures.add(`${l.c.name}: DeleteTask #${attempt}${l.deleted ? " (after an abort)" : " (after completion)"} failed: ${errorText(d.error)}`);
            }
          }
          failures.failIfAny("DeleteTask answered OK however often it is sent");
        },
      );
  
      if (f.protocol === "flyte2") {
        await ctx.check(
          {
            id: "flyte2.async.secrets-not-echoed",
            level: "MUST",
            reason:
              "Flyte 2's executor sends the task's resolved secrets inline in every call's connection and shows the connector's messages, log links and errors to everyone who can see the run: no secret value may come back in them",
            source: `${SRC.plugin} (connection resolved from the secret manager), ${SRC.proto} (Connection.secrets)`,
          },
          async (rec) => {
            const secrets = cases.flatMap((c) => Object.entries(c.connection?.secrets ?? {}).filter(([, v]) => v.length >= 4).map(([name, value]) => ({ c, name, value })));
            if (secrets.length === 0) return rec.skip("no case sends a connection with secrets (connection.secrets of at least 4 characters in the cases file)");
            const failures = new Problems(rec);
            const look = (c: FlyteTaskCase, where: string, text: string) => {
              for (const s of secrets) if (s.c === c && text.includes(s.value)) failures.add(`${c.name}: the value of secret ${s.name} came back in ${where}`);
            };
            for (const { c, message } of createErrors) look(c, "a CreateTask error", message);
            for (const l of launched) {
              if (l.createError !== undefined) look(l.c, "a CreateTask error", l.createError);
              for (const a of l.answers) {
                look(l.c, `a ${phaseName(a.phase) ?? a.phase} message`, a.message);
                for (const link of a.logLinks ?? []) look(l.c, `log link ${link.name}`, `${link.name} ${link.uri}`);
              }
              for (const e of l.errors) look(l.c, "an error message", e);
            }
            failures.failIfAny("secret values only in the connection: never in a message, a log link or an error");
          },
        );
      }
    },
  };
}

/** The sync request's parts as Propeller sends them for `c` (Flyte 1 only: Flyte 2 has no sync service). */
function syncRequest(c: FlyteTaskCase) {
  const task = caseTask(c);
  return {
      template: taskTemplate(task, c.custom === undefined ? {} : { custom: c.custom as never }),
      inputs: toLiteralMap(c.inputs ?? {}, task.inputs ?? {}, { direction: "input" }),
      outputPrefix: outputPrefix(c),
  };
}

/** The driver options of a sync case's call: its output prefix, its custom struct, the check's signal and the per-call deadline. */
function caseCallOptions(ctx: Ctx, rec: CheckRecorder, c: FlyteTaskCase, prefix: string): LaunchOptions & ExecuteTaskSyncOptions {
  return { outputPrefix: prefix, call: { timeoutMs: ctx.callTimeoutMs, signal: rec.signal }, ...(c.custom === undefined ? {} : { custom: c.custom as LaunchOptions["custom"] }) };
}

const SRC = flyte1.src;

export const syncSuite: Suite<FlyteTarget, FlyteCases> = {
  name: "flyte.sync",
  description: "The author's sync cases, driven as Propeller does: ExecuteTaskSync header then inputs, one reply",
  async run(ctx) {
    const sync = await syncTypes(ctx, flyte1);
    const cases = (ctx.cases?.tasks ?? []).filter((c) => sync?.has(c.taskType));
    const results: Array<{ c: FlyteTaskCase; answer?: Answer }> = [];

    await ctx.check(
      {
        id: "flyte.sync.one-terminal-header",
        level: "MUST",
        reason: "Propeller reads exactly one ExecuteTaskSync reply, which must be a header with a terminal phase (a non-terminal one leaves a nil resource_meta it later polls)",
        source: `${SRC.plugin} (ExecuteTaskSync), ${SRC.launcher} (terminal check)`,
      },
      async (rec) => {
        if (cases.length === 0) return rec.skip("no case for a task type listed is_sync");
        allowConcurrentListeners(rec.signal);
        const driver = newDriver(ctx);
        const failures = new Problems(rec);
        await Promise.all(
          cases.map(async (c) => {
            const { template, inputs, outputPrefix: prefix } = syncRequest(c);
            const options = caseCallOptions(ctx, rec, c, prefix);
            // Every reply the agent sends, not just the first one Propeller reads: a second one is a fault too.
            const r = await call(rec, `SyncAgentService/ExecuteTaskSync (${c.name})`, { header: { template, outputPrefix: prefix }, inputs }, async () =>
              (await driver.executeTaskSync(caseTask(c), (c.inputs ?? {}) as never, options)).replies,
            );
            if (r.error) {
              const message = rpcFailure("failed to execute task", r.error);
              results.push({ c, answer: { phase: 8, message } });
              if ((c.expect?.phase ?? "").toUpperCase() !== "RETRYABLE_FAILED") failures.add(`${c.name}: ExecuteTaskSync failed: ${errorText(r.error)}`);
              return;
            }
            if (r.ok.length !== 1) failures.add(`${c.name}: ${r.ok.length} replies instead of one`);
            const first = r.ok[0];
            if (first === undefined) return;
            if (first.res.case !== "header" || first.res.value.resource === undefined) {
              failures.add(`${c.name}: the reply is not a header with a resource`);
              return;
            }
            const res = first.res.value.resource;
            const answer: Answer = { phase: res.phase, message: res.message, ...(res.outputs ? { outputs: res.outputs } : {}) };
            results.push({ c, answer });
            const name = phaseName(res.phase);
            if (name === undefined || !terminalPhases.has(name)) failures.add(`${c.name}: phase ${name ?? res.phase} is not terminal`);
          }),
        );
        failures.failIfAny("exactly one header reply carrying a Resource with a terminal phase");
      },
    );

    await ctx.check(
      {
        id: "flyte.sync.outputs-typed",
        level: "MUST",
        reason: "outputs only with SUCCEEDED, of the declared interface's types: Propeller writes them as the node's outputs",
        source: `${SRC.plugin} (writeOutput)`,
      },
      async (rec) => {
        const answered = results.filter((r) => r.answer !== undefined);
        if (answered.length === 0) return rec.skip("no sync answer");
        const failures = new Problems(rec);
        for (const { c, answer } of answered) {
          const name = phaseName(answer!.phase);
          if (hasOutputs(answer!.outputs) && name !== "SUCCEEDED") failures.add(`${c.name}: outputs with phase ${name}`);
          if (name === "SUCCEEDED" && c.interface?.outputs !== undefined) {
            try {
              decodeOutputs(c, answer!.outputs);
            } catch (err) {
              failures.add(`${c.name}: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
        }
        failures.failIfAny("declared outputs of their declared types, only with SUCCEEDED");
      },
    );

    await ctx.check(
      {
        id: "flyte.sync.expected-results",
        level: "MUST",
        reason: "each sync case ends as its author expects (phase, outputs by subset, message by regex)",
        source: `${SRC.plugin} (ExecuteTaskSync → Status)`,
      },
      async (rec) => {
        const withExpect = results.filter((r) => r.c.expect !== undefined && r.answer !== undefined);
        if (withExpect.length === 0) return rec.skip("no sync case with expect");
        const failures = new Problems(rec);
        for (const { c, answer } of withExpect) {
          let outputs: Record<string, unknown> | undefined;
          try {
            outputs = hasOutputs(answer!.outputs) ? decodeOutputs(c, answer!.outputs) : undefined;
          } catch {
            outputs = undefined;
          }
          const m = expectMismatch(c, phaseName(answer!.phase) ?? String(answer!.phase), answer!.message, outputs);
          if (m) failures.add(`${c.name}: ${m}`);
        }
        failures.failIfAny("the results the cases file declares");
      },
    );
  },
};

export function healthSuite(f: Flavor): Suite<FlyteTarget, FlyteCases> {
  return {
    name: `${f.protocol}.health`,
    description: f.say("grpc.health.v1 for probes in front of the agent deployment"),
    async run(ctx) {
      await ctx.check(
        def(f, {
          id: "flyte.health.serving",
          level: "SHOULD",
          reason: "the agent Deployment's probes and load balancers ask grpc.health.v1 Check(\"\"): it should answer SERVING",
          source: f.protocol === "flyte" ? "flyteorg/flyte charts/flyteconnector (probes); research §7 (Serve health)" : `${f.src.sdkServer} (grpc health servicer beside the connector services)`,
        }),
        async (rec) => {
          const wire = f.wire(ctx);
          const r = await call(rec, "grpc.health.v1.Health/Check", { service: "" }, () => wire.health({ timeoutMs: ctx.callTimeoutMs, signal: rec.signal }));
          if (r.error) {
            if (r.error.code === Code.Unimplemented) return rec.skip("grpc.health.v1 is not served");
            return rec.fail(`Check failed: ${errorText(r.error)}`, "SERVING");
          }
          if (r.ok.status !== HealthCheckResponse_ServingStatus.SERVING) return rec.fail(`Check("") answered status ${r.ok.status}`, "SERVING (1)");
        },
      );
    },
  };
}

export function loadSuite(f: Flavor): Suite<FlyteTarget, FlyteCases> {
  const SRC = f.src;
  return {
    name: `${f.protocol}.load`,
    description: f.say("Many tasks at once, as Propeller's 10 workers poll them"),
    async run(ctx) {
      await ctx.check(
        def(f, {
          id: "flyte.load.concurrent-tasks",
          level: "MUST",
          reason: "Propeller launches and polls many tasks at once (10 workers, burst 100): 50 concurrent tasks must each get their own resource_meta and end with their own outputs",
          source: `${SRC.cache} (workers, rate limits), ${SRC.config} (readRateLimiter burst 100)`,
        }),
        async (rec) => {
          const sync = await syncTypes(ctx, f);
          const c = (ctx.cases?.tasks ?? []).find((t) => !sync?.has(t.taskType) && !t.abort);
          if (c === undefined) return rec.skip("no async task case to repeat");
          allowConcurrentListeners(rec.signal);
          const wire = f.wire(ctx);
          const runOne = async (i: number) => {
            const { prefix, r } = await createTask(ctx, f, rec, wire, c, `${c.name} #${i}`);
            if (r.error) return { i, error: `CreateTask: ${errorText(r.error)}` };
            const l: Launched = { c, h: handleOf(c, r.ok.resourceMeta, prefix), answers: [], errors: [] };
            for (;;) {
              const g = await getTask(ctx, f, rec, wire, l);
              if (g.error) return { i, error: `GetTask: ${errorText(g.error)}` };
              const res = g.ok.resource;
              const name = phaseName(res?.phase ?? 0);
              if (name === undefined) return { i, error: `phase ${res?.phase ?? "none"}` };
              if (terminalPhases.has(name)) {
                let outputs: unknown;
                try {
                  outputs = hasOutputs(res?.outputs) ? decodeOutputs(c, res?.outputs) : undefined;
                } catch (err) {
                  return { i, error: String(err) };
                }
                return { i, meta: Buffer.from(l.h.resourceMeta).toString("base64"), phase: name, outputs: JSON.stringify(outputs, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) };
              }
              if (rec.signal.aborted) return { i, error: "not terminal before the check's timeout" };
              await pause(50, rec.signal);
            }
          };
          const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => runOne(i)));
          const errors = runs.filter((r) => r.error !== undefined);
          if (errors.length > 0) return rec.fail(`${errors.length} of 50 failed: ${errors.slice(0, 3).map((r) => `#${r.i} ${r.error}`).join("; ")}`, "every concurrent task answered");
          const metas = new Set(runs.map((r) => r.meta));
          if (metas.size !== runs.length) return rec.fail(`${runs.length - metas.size} tasks got a resource_meta another task also got`, "one resource_meta per task");
          const outcomes = new Set(runs.map((r) => `${r.phase} ${r.outputs}`));
          if (outcomes.size !== 1) return rec.fail(`the same task with the same inputs ended ${outcomes.size} different ways: ${[...outcomes].slice(0, 3).join(" | ")}`, "each task its own, identical, outputs");
          const first = runs[0]!;
          const m = expectMismatch(c, first.phase!, "", first.outputs === undefined ? undefined : (JSON.parse(first.outputs) as Record<string, unknown>));
          if (m && c.expect?.message === undefined) return rec.fail(`under load: ${m}`, "the case's expected result");
        },
      );
    },
  };
}
