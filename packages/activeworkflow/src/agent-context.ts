import { performance } from "node:perf_hooks";
import { isJsonObject, type JsonObject, type JsonValue, type Logger } from "@agentwire/core";
import { CredentialError } from "./credential-error.js";
import { describeKind, setOwn } from "./json-values.js";
import type { ResultBuilder } from "./result-builder.js";
import type { AwMessage, Credential } from "./wire-format.js";

/**
 * What `check` and `receive` get: the call's options, memory and credentials, and the ways to answer
 * (emit messages, write to the agent's ActiveWorkflow log, change memory). A fresh context is made for
 * every request: ActiveWorkflow sends everything an agent needs each time, and two calls for one agent
 * instance can run at once, so nothing may live on the agent object between calls.
 *
 * Values are core's `JsonValue`, exactly as ActiveWorkflow sent them: an integer past 2^53 is a `bigint`,
 * a number written `1.0` or `1e3` is a `LosslessNumber` (`toNumber(x)` gives the nearest `number`, where
 * `Number(x)` throws for one out of a double's range such as `1e400`), and each goes back as it came when
 * you emit it or keep it in memory.
 *
 * ```ts
 * import type { AgentContext } from "@agentwire/activeworkflow";
 *
 * export async function fetchNewItems(ctx: AgentContext<{ url: string; token_credential: string }>): Promise<void> {
 *   const token = ctx.credentialFromOption("token_credential");
 *   // Leave 5 s to answer with an error before ActiveWorkflow gives up.
 *   const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(0, ctx.timeoutMs() - 5_000))]);
 *   const res = await fetch(ctx.options.url, { headers: { authorization: `Bearer ${token}` }, signal });
 *   const items = (await res.json()) as Array<{ id: number; title: string }>;
 *   const lastId = typeof ctx.memory.last_id === "number" ? ctx.memory.last_id : 0;
 *   for (const item of items.filter((i) => i.id > lastId)) ctx.emit({ title: item.title, id: item.id });
 *   ctx.updateMemory({ last_id: Math.max(lastId, ...items.map((i) => i.id)) });
 *   ctx.log(`fetched ${items.length} items`);
 * }
 * ```
 */
export interface AgentContext<Options extends JsonObject = JsonObject> {
  /** Which method ActiveWorkflow called. */
  readonly method: "check" | "receive";
  /**
   * The agent instance's options with `defaultOptions` merged under them (shallow: a received key
   * replaces the default whole), validated by `optionsSchema` when the agent has one. ActiveWorkflow
   * sends options raw: no Liquid, and it never validates them itself. Options are never sent back, so a
   * number a `number` holds exactly is a `number` here however it was written (`10.0` is `10`); only an
   * integer past 2^53 (a `bigint`) or a decimal longer than a double keeps (a `LosslessNumber`) is not.
   */
  readonly options: Options;
  /**
   * A deep copy of the memory ActiveWorkflow sent, yours to mutate. When the call ends, the memory is
   * taken as the JSON it becomes, and the result carries it only if it differs (deep comparison, key
   * order ignored) from what was received, because a `memory` in the result *replaces* the stored one
   * and an absent one keeps it. A memory that cannot be JSON (a cycle) is not sent: the result gets an
   * `errors` entry instead.
   */
  readonly memory: JsonObject;
  /**
   * Replaces the memory with `memory` (a plain object). It is not copied: the memory sent back is what it
   * holds when the call ends, as JSON (dates become strings, `undefined` properties are dropped).
   */
  setMemory(memory: JsonObject): void;
  /**
   * Shallow-merges `partial` into the memory (its values are not copied). A key set to `undefined` is
   * left out of the memory sent back, as JSON leaves it out: `updateMemory({ cursor: undefined })` forgets
   * the cursor.
   */
  updateMemory(partial: { [key: string]: JsonValue | undefined }): void;
  /** The whole message record on `receive` (id, user_id, agent_id, payload, timestamps, extra keys); undefined on `check`. */
  readonly message: AwMessage | undefined;
  /** `message.payload` on `receive`; undefined on `check`. */
  readonly payload: JsonObject | undefined;
  /** The value of the user's credential called `name`, or undefined when the user has none by that name. */
  credential(name: string): string | undefined;
  /**
   * The credential whose *name* is the value of option `optionKey` (ActiveWorkflow's convention, as in
   * an `email_credential: "smtp_password"` option). Throws a `CredentialError` naming the option and the
   * credential when the option is not set or no such credential was sent.
   */
  credentialFromOption(optionKey: string): string;
  /** Emits a message; `payload` must be a plain object. ActiveWorkflow routes it to every linked agent. */
  emit(payload: JsonObject): void;
  /** Adds a line to the agent's log in ActiveWorkflow. Blank text is dropped; long text is cut at 10 000 characters. */
  log(text: string): void;
  /**
   * Adds an error line (level 4) to the agent's log in ActiveWorkflow. It does not fail the call: memory
   * and messages in the same answer are applied. ActiveWorkflow shows its "issues" badge for it only once
   * the agent has emitted a message at some time ("Recent error" while the newest error is later than
   * two minutes before the newest emitted message); an agent that never emits shows no issue for it.
   */
  error(text: string): void;
  /**
   * Aborted when ActiveWorkflow hangs up (it gives up after 60 s) or the server shuts down past its grace
   * period. Made on first read, and unlinked from the server once the call has answered.
   */
  readonly signal: AbortSignal;
  /**
   * Milliseconds left before ActiveWorkflow stops waiting for the answer (0 once it has). ActiveWorkflow
   * sends no deadline: this is Net::HTTP's 60 s read timeout, which ActiveWorkflow leaves at its default,
   * counted from when the request arrived. Give the services you call less than this.
   */
  timeoutMs(): number;
  /** JSON lines on stderr, tagged with the agent and method, with credential values redacted. */
  readonly logger: Logger;
}

/**
 * What `receive` gets: an `AgentContext` whose `message` and `payload` are always there. ActiveWorkflow
 * sends one message per `receive` call.
 *
 * ```ts
 * import type { ReceiveContext } from "@agentwire/activeworkflow";
 *
 * export function queueTitle(ctx: ReceiveContext<{ max_items: number }, { title: string }>): void {
 *   const items = Array.isArray(ctx.memory.items) ? ctx.memory.items : [];
 *   ctx.updateMemory({ items: [...items, ctx.payload.title].slice(-ctx.options.max_items) });
 * }
 * ```
 */
export interface ReceiveContext<Options extends JsonObject = JsonObject, Payload extends JsonObject = JsonObject>
  extends AgentContext<Options> {
  readonly method: "receive";
  readonly message: AwMessage<Payload>;
  readonly payload: Payload;
}

/** The context `check` gets. */
export interface CheckContext<Options extends JsonObject = JsonObject> extends AgentContext<Options> {
  readonly method: "check";
  readonly message: undefined;
  readonly payload: undefined;
}

export interface CallContextInit {
  method: "check" | "receive";
  agentName: string;
  options: JsonObject;
  /** The agent's own copy of the memory (the one copy made per call): handed out as it is, to mutate. */
  memory: JsonObject;
  /** Freshly parsed for this call alone, so handed out as it is. */
  message: AwMessage | undefined;
  credentials: readonly Credential[];
  result: ResultBuilder;
  /** Called on the first read of `ctx.signal`: most agents never read it. */
  signal: () => AbortSignal;
  /** Called on the first read of `ctx.logger`. */
  logger: () => Logger;
  /** `performance.now()` past which ActiveWorkflow no longer waits for the answer. */
  deadline: number;
}

/** The implementation behind `AgentContext`, one per call. */
export class CallContext implements AgentContext {
  readonly method: "check" | "receive";
  readonly options: JsonObject;
  readonly message: AwMessage | undefined;
  readonly payload: JsonObject | undefined;
  private currentMemory: JsonObject;
  private readonly credentials: readonly Credential[];
  private readonly result: ResultBuilder;
  private readonly agentName: string;
  private readonly makeSignal: () => AbortSignal;
  private readonly makeLogger: () => Logger;
  private madeLogger: Logger | undefined;
  private readonly deadline: number;

  constructor(init: CallContextInit) {
    this.method = init.method;
    this.agentName = init.agentName;
    this.options = init.options;
    this.currentMemory = init.memory;
    this.message = init.message;
    this.payload = init.message?.payload;
    this.credentials = init.credentials;
    this.result = init.result;
    this.makeSignal = init.signal;
    this.makeLogger = init.logger;
    this.deadline = init.deadline;
  }

  timeoutMs(): number {
    return Math.max(0, Math.floor(this.deadline - performance.now()));
  }

  get signal(): AbortSignal {
    return this.makeSignal();
  }

  get logger(): Logger {
    return (this.madeLogger ??= this.makeLogger());
  }

  get memory(): JsonObject {
    return this.currentMemory;
  }

  setMemory(memory: JsonObject): void {
    if (!isJsonObject(memory)) {
      throw new TypeError(`setMemory needs a plain object (ActiveWorkflow stores memory as a JSON object); got ${describeKind(memory)}`);
    }
    this.currentMemory = memory;
  }

  updateMemory(partial: { [key: string]: JsonValue | undefined }): void {
    if (!isJsonObject(partial)) {
      throw new TypeError(`updateMemory needs a plain object to merge into memory; got ${describeKind(partial)}`);
    }
    const memory = this.currentMemory;
    for (const key of Object.keys(partial)) setOwn(memory, key, partial[key]);
  }

  credential(name: string): string | undefined {
    return this.credentials.find((credential) => credential.name === name)?.value;
  }

  credentialFromOption(optionKey: string): string {
    const credentialName = this.options[optionKey];
    if (typeof credentialName !== "string" || credentialName.trim() === "") {
      throw new CredentialError(
        `option "${optionKey}" must name one of your ActiveWorkflow credentials, but it is ${credentialName === undefined ? "not set" : `${describeKind(credentialName)}${typeof credentialName === "string" ? " (empty)" : ""}`}: ` +
          `set it to a credential's name in ${this.agentName}'s options`,
        { details: { option: optionKey } },
      );
    }
    const value = this.credential(credentialName);
    if (value === undefined) {
      const known = this.credentials.map((c) => c.name);
      throw new CredentialError(
        `option "${optionKey}" names credential "${credentialName}", but the user has no credential by that name ` +
          `(known: ${known.length === 0 ? "none" : known.join(", ")}): add it under Credentials in ActiveWorkflow or fix the option`,
        { details: { option: optionKey, credential: credentialName } },
      );
    }
    return value;
  }

  emit(payload: JsonObject): void {
    if (!isJsonObject(payload)) {
      throw new TypeError(
        `emit needs a plain object as the message payload (ActiveWorkflow refuses anything else); got ${describeKind(payload)}. Wrap it, e.g. emit({ value: x })`,
      );
    }
    this.result.message(payload);
  }

  log(text: string): void {
    this.result.log(text);
  }

  error(text: string): void {
    this.result.error(text);
  }
}
