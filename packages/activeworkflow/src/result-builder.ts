import { isJsonObject, messageOf, stringifyJson, type JsonObject, type Logger } from "@agentwire/core";
import { describeKind, toJsonValue } from "./json-values.js";
import { Redactor } from "@agentwire/core";
import type { Credential, RemoteAgentResult } from "./wire-format.js";

/** ActiveWorkflow truncates each log and error entry to this many characters. */
export const maxLogEntryLength = 10_000;

/**
 * One `logs`/`errors` entry as ActiveWorkflow can store it, or undefined when it must be dropped.
 * ActiveWorkflow refuses blank entries (`validates :message, presence: true` fails the whole job, and
 * Ruby's "blank" includes whitespace-only), so those are dropped; non-strings are stringified (an Error
 * by its message, anything else as JSON, big numbers exact); long ones are truncated as ActiveWorkflow would.
 */
export function normalizeLogEntry(entry: unknown): string | undefined {
  if (entry === undefined || entry === null) return undefined;
  const text = entry instanceof Error || typeof entry === "string" ? messageOf(entry) : logText(entry);
  if (text.trim() === "") return undefined;
  if (text.length <= maxLogEntryLength) return text;
  const chars = Array.from(text);
  return chars.length <= maxLogEntryLength ? text : chars.slice(0, maxLogEntryLength).join("");
}

/** A non-string log entry as JSON text, with bigints and LosslessNumbers written exactly. */
function logText(entry: unknown): string {
  try {
    return stringifyJson(entry) ?? String(entry);
  } catch {
    return String(entry);
  }
}

/**
 * Collects what an agent does during one call and turns it into a result ActiveWorkflow can always apply:
 * no `null` anywhere, empty arrays omitted, every message a plain object, `memory` only when it changed,
 * and no credential value anywhere (redacted, with a warning in the server log and in the agent's
 * ActiveWorkflow log, so the author learns to emit credential names rather than values).
 *
 * Redaction costs nothing when the call carries no credentials, and one `includes` per credential on the
 * answer's text when none of them is in it; only an answer that holds one is walked and rewritten.
 */
export class ResultBuilder {
  private readonly errors: string[] = [];
  private readonly logs: string[] = [];
  private readonly messages: JsonObject[] = [];

  /**
   * `redactor` is called only when the answer may hold one of `credentials`' values, and `logger` only
   * when there is something to log (a redaction): a call that redacts nothing makes neither.
   */
  constructor(
    private readonly credentials: readonly Credential[],
    private readonly redactor: () => Redactor,
    private readonly logger: () => Logger,
  ) {}

  log(entry: unknown): void {
    const text = normalizeLogEntry(entry);
    if (text !== undefined) this.logs.push(text);
  }

  error(entry: unknown): void {
    const text = normalizeLogEntry(entry);
    if (text !== undefined) this.errors.push(text);
  }

  /** Keeps a JSON copy, so changing the object after `emit` does not change what was emitted. */
  message(payload: JsonObject): void {
    const copy = toJsonValue(payload, "the emitted message", { copy: true });
    if (!isJsonObject(copy)) {
      throw new TypeError(`emit needs a plain object as the message payload (ActiveWorkflow refuses anything else); its toJSON gave ${describeKind(copy)}`);
    }
    this.messages.push(copy);
  }

  /**
   * The answer: `{"result": …}` as JSON text, and the result it holds. `memory` is the memory to send
   * (plain JSON), or undefined when it did not change.
   */
  build(memory: JsonObject | undefined): { body: string; result: RemoteAgentResult } {
    let result = assemble(this.errors, this.logs, memory, this.messages);
    // Lossless: a bigint or LosslessNumber in a message or the memory is written exactly as it is.
    let body = stringifyJson({ result })!;
    if (!Redactor.mayOccurInJson(this.credentials, body)) return { body, result };
    const redactor = this.redactor();

    const redactionLogs: string[] = [];
    const redactField = <T>(value: T, field: string): T => {
      const hits = new Set<string>();
      const redacted = redactor.redactDeep(value, (name) => hits.add(name));
      for (const name of hits) {
        this.logger().warn({ credential: name, field }, `redacted the value of credential "${name}" from ${field}`);
        redactionLogs.push(
          `agentwire: redacted the value of credential "${name}" from ${field}; results must not carry credential values (pass the credential's name instead)`,
        );
      }
      return redacted;
    };
    const errors = this.errors.map((text) => redactor.redact(text));
    const logs = this.logs.map((text) => redactor.redact(text));
    const messages = this.messages.map((message, i) => redactField(message, `messages[${i}]`));
    const redactedMemory = memory === undefined ? undefined : redactField(memory, "memory");
    result = assemble(errors, [...logs, ...redactionLogs], redactedMemory, messages);
    body = stringifyJson({ result })!;
    return { body, result };
  }
}

/** The result with its fields in the order ActiveWorkflow applies them, empty lists left out. */
function assemble(errors: string[], logs: string[], memory: JsonObject | undefined, messages: JsonObject[]): RemoteAgentResult {
  const result: RemoteAgentResult = {};
  if (errors.length > 0) result.errors = errors;
  if (logs.length > 0) result.logs = logs;
  if (memory !== undefined) result.memory = memory;
  if (messages.length > 0) result.messages = messages;
  return result;
}
