import { Code, ConnectError, defineTask, fromLiteralMap, type AnyTaskDefinition, type LiteralMap } from "@agentwire/flyte";
import { TaskExecution_Phase } from "@agentwire/flyte/testing";
import type { CallOptions } from "@connectrpc/connect";
import type { FlyteTaskCase } from "../../cases.js";
import type { CheckDefinition, CheckRecorder } from "../../check.js";
import { parseTypes } from "./type-names.js";
import { newDriver, type Ctx, type Flavor, type Handle } from "./wire.js";

export { newDriver, type Ctx, type Flavor } from "./wire.js";

/**
 * A check written with Flyte 1's id and words, as `f` reports it: `flyte.async.x` becomes `flyte2.async.x`,
 * and the reason speaks of `f`'s caller.
 */
export function def(f: Flavor, d: CheckDefinition): CheckDefinition {
  return { ...d, id: d.id.replace(/^flyte\./, `${f.protocol}.`), reason: f.say(d.reason), ...(d.source === undefined ? {} : { source: f.say(d.source) }) };
}

/** JSON-able copy of a wire message: bigint as string, bytes as base64, no `$typeName`. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString("base64") };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof ConnectError) return { code: Code[value.code], message: value.rawMessage };
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== "$typeName" && v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

/** Runs a call; returns `{ ok }` or `{ error }` (a ConnectError), recording the exchange. */
export async function call<T>(rec: CheckRecorder, name: string, sent: unknown, fn: () => Promise<T>): Promise<{ ok: T; error?: undefined } | { ok?: undefined; error: ConnectError }> {
  try {
    const ok = await fn();
    rec.exchange(name, plain(sent), plain(ok));
    return { ok };
  } catch (err) {
    const error = ConnectError.from(err);
    rec.exchange(name, plain(sent), { code: Code[error.code], message: error.rawMessage });
    return { error };
  }
}

export function codeName(err: ConnectError): string {
  return Code[err.code] ?? String(err.code);
}

/** `NOT_FOUND no such task`: an error as a failure message shows it. */
export function errorText(err: ConnectError): string {
  return `${codeName(err)} ${err.rawMessage}`;
}

/**
 * The problems one check finds across several tasks or calls: `add` each, then `failIfAny(needed)` ends the
 * check failed with all of them (joined by "; ") and what Propeller needed.
 */
export class Problems {
  private readonly list: string[] = [];
  constructor(private readonly rec: CheckRecorder) {}
  add(problem: string): void {
    this.list.push(problem);
  }
  failIfAny(needed: string): void {
    if (this.list.length > 0) this.rec.fail(this.list.join("; "), needed);
  }
}

/** What the caller keeps to poll a case's task: its definition, category, resource_meta, output prefix and connection. */
export function handleOf(c: FlyteTaskCase, resourceMeta: Uint8Array, outputPrefix: string): Handle {
  return { task: caseTask(c), category: { name: c.taskType, version: c.version ?? 0 }, resourceMeta, outputPrefix, ...(c.connection ? { connection: c.connection } : {}) };
}

/** The deadline the deadline checks send (grpc-timeout), which only the server enforces. */
export const SERVER_DEADLINE_MS = 100;
/** How long past that deadline the harness waits for the server to end the call before calling it ignored. */
export const DEADLINE_GRACE_MS = 1000;

/**
 * Sends one call with a deadline only the server enforces: the `grpc-timeout` header Propeller's gRPC client
 * sends, while the harness itself waits up to the deadline plus a grace (at most the per-call timeout). Returns
 * the problem when the server neither answered nor ended the call (DEADLINE_EXCEEDED) by then.
 */
export async function withServerDeadline(ctx: Ctx, rec: CheckRecorder, name: string, sent: unknown, fn: (options: CallOptions) => Promise<unknown>): Promise<string | undefined> {
  const waitMs = Math.max(SERVER_DEADLINE_MS + 1, Math.min(ctx.callTimeoutMs, SERVER_DEADLINE_MS + DEADLINE_GRACE_MS));
  const gaveUp = new AbortController();
  const timer = setTimeout(() => gaveUp.abort(), waitMs);
  const onAbort = () => gaveUp.abort();
  rec.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const r = await call(rec, `${name} (grpc-timeout ${SERVER_DEADLINE_MS}m)`, sent, () => fn({ headers: { "grpc-timeout": `${SERVER_DEADLINE_MS}m` }, signal: gaveUp.signal }));
    if (r.error && gaveUp.signal.aborted) return `${name} with a ${SERVER_DEADLINE_MS} ms deadline was still open ${waitMs} ms later: the server ignored the deadline`;
    return undefined;
  } finally {
    clearTimeout(timer);
    rec.signal.removeEventListener("abort", onAbort);
  }
}

export function phaseName(phase: number): string | undefined {
  const name = (TaskExecution_Phase as unknown as Record<number, string>)[phase];
  return name === undefined || name === "UNDEFINED" ? undefined : name;
}

export const terminalPhases = new Set(["SUCCEEDED", "FAILED", "RETRYABLE_FAILED", "ABORTED"]);

export function hasOutputs(map: LiteralMap | undefined): boolean {
  return map !== undefined && Object.keys(map.literals).length > 0;
}

/** The task definition a case declares (its interface parsed into types.*). */
export function caseTask(c: FlyteTaskCase): AnyTaskDefinition {
  const inputs = parseTypes(c.interface?.inputs);
  const outputs = parseTypes(c.interface?.outputs);
  return defineTask({ taskType: c.taskType, version: c.version ?? 0, ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}) });
}

/** Decodes outputs with the case's declared output types; throws (LiteralTypeError) on a mismatch. */
export function decodeOutputs(c: FlyteTaskCase, map: LiteralMap | undefined): Record<string, unknown> {
  const outputs = parseTypes(c.interface?.outputs);
  if (outputs === undefined) return fromLiteralMap(map);
  const missing = Object.keys(outputs).filter((k) => map?.literals[k] === undefined);
  if (missing.length > 0) throw new Error(`declared output(s) ${missing.join(", ")} missing from the answer`);
  return fromLiteralMap(map, outputs);
}

/** The cases file's matching rules: objects by subset, arrays same length, `message` as an unanchored regex. */
export function matches(expected: unknown, actual: unknown, path = ""): string | undefined {
  if (typeof actual === "bigint") actual = Number(actual);
  if (actual instanceof Date) {
    const e = typeof expected === "string" || expected instanceof Date ? new Date(expected) : undefined;
    return e !== undefined && !Number.isNaN(e.getTime()) && e.getTime() === actual.getTime() ? undefined : `${path || "value"}: expected ${JSON.stringify(expected)}, got ${actual.toISOString()}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path || "value"}: expected an array of ${expected.length}, got ${JSON.stringify(plain(actual))}`;
    for (let i = 0; i < expected.length; i++) {
      const m = matches(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return `${path || "value"}: expected an object, got ${JSON.stringify(plain(actual))}`;
    for (const [k, v] of Object.entries(expected)) {
      const m = matches(v, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${path || "value"}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(plain(actual))}`;
}

/** Checks one finished task against its case's `expect`; returns what differs, or undefined. */
export function expectMismatch(c: FlyteTaskCase, phase: string, message: string, outputs: Record<string, unknown> | undefined): string | undefined {
  const wanted = c.expect?.phase ?? (c.abort ? "ABORTED" : undefined);
  if (wanted !== undefined && wanted.toUpperCase() !== phase) return `phase: expected ${wanted.toUpperCase()}, got ${phase}${message ? ` (${message})` : ""}`;
  if (c.expect?.message !== undefined && !new RegExp(c.expect.message).test(message)) return `message: ${JSON.stringify(message)} does not match /${c.expect.message}/`;
  if (c.expect?.outputs !== undefined) return matches(c.expect.outputs, outputs ?? {}, "outputs");
  return undefined;
}

/**
 * The task types whose cases the async suites leave to others. Flyte 1: those ListAgents lists as sync
 * (undefined when it cannot be read). Flyte 2, which has no sync service: those ListConnectors does not list
 * (a sync agent's, served to Flyte 1 only), or when it cannot be read, those Flyte 1's ListAgents lists as sync.
 */
export async function syncTypes(ctx: Ctx, f: Flavor): Promise<Set<string> | undefined> {
  if (f.protocol === "flyte2") {
    try {
      const listed = new Set((await f.wire(ctx).list({ timeoutMs: ctx.callTimeoutMs })).flatMap((c) => c.supportedTaskCategories.map((t) => t.name)));
      return new Set((ctx.cases?.tasks ?? []).map((c) => c.taskType).filter((t) => !listed.has(t)));
    } catch {
      // Fall through to Flyte 1's listing, when the same server answers it.
    }
  }
  try {
    const { agents } = await newDriver(ctx).clients.metadata.listAgents({}, { timeoutMs: ctx.callTimeoutMs });
    const out = new Set<string>();
    for (const a of agents) if (a.isSync) for (const c of a.supportedTaskCategories) out.add(c.name);
    return out;
  } catch {
    return f.protocol === "flyte" ? undefined : new Set();
  }
}
