import { messageOf, type Logger } from "@agentwire/core";
import { isPlainObject, jsonEqual, toJson, type JsonObject } from "./json.js";
import type { Redactor } from "./redactor.js";
import type { RemoteAgentResult } from "./wire-format.js";

/** ActiveWorkflow truncates each log and error entry to this many characters. */
export const maxLogEntryLength = 10_000;

/**
 * One `logs`/`errors` entry as ActiveWorkflow can store it, or undefined when it must be dropped.
 * ActiveWorkflow refuses blank entries (`validates :message, presence: true` fails the whole job, and
 * Ruby's "blank" includes whitespace-only), so those are dropped; non-strings are stringified (an Error
 * by its message, anything else as JSON); long ones are truncated as ActiveWorkflow would.
 */
export function normalizeLogEntry(entry: unknown): string | undefined {
  if (entry === undefined || entry === null) return undefined;
  const text = messageOf(entry);
  if (text.trim() === "") return undefined;
  if (text.length <= maxLogEntryLength) return text;
  const chars = Array.from(text);
  return chars.length <= maxLogEntryLength ? text : chars.slice(0, maxLogEntryLength).join("");
}

/**
 * Collects what an agent does during one call and turns it into a result ActiveWorkflow can always apply:
 * no `null` anywhere, empty arrays omitted, every message a plain object, `memory` only when it changed,
 * and no credential value anywhere (redacted, with a warning in the server log and in the agent's
 * ActiveWorkflow log, so the author learns to emit credential names rather than values).
 */
export class ResultBuilder {
  private readonly errors: string[] = [];
  private readonly logs: string[] = [];
  private readonly messages: JsonObject[] = [];

  constructor(
    private readonly redactor: Redactor,
    private readonly logger: Logger,
  ) {}

  get counts(): { errors: number; logs: number; messages: number } {
    return { errors: this.errors.length, logs: this.logs.length, messages: this.messages.length };
  }

  log(entry: unknown): void {
    const text = normalizeLogEntry(entry);
    if (text !== undefined) this.logs.push(this.redactor.redact(text));
  }

  error(entry: unknown): void {
    const text = normalizeLogEntry(entry);
    if (text !== undefined) this.errors.push(this.redactor.redact(text));
  }

  /** Keeps a JSON copy, so changing the object after `emit` does not change what was emitted. */
  message(payload: JsonObject): void {
    this.messages.push(toJson(payload, "the emitted message"));
  }

  /** The result; `memoryBefore` is what the request carried, `memoryAfter` what the agent left. */
  build(memoryBefore: JsonObject, memoryAfter: JsonObject): RemoteAgentResult {
    const redactionLogs: string[] = [];
    const redactField = <T>(value: T, field: string): T => {
      const hits = new Set<string>();
      const redacted = this.redactor.redactDeep(value, (name) => hits.add(name));
      for (const name of hits) {
        this.logger.warn({ credential: name, field }, `redacted the value of credential "${name}" from ${field}`);
        redactionLogs.push(
          `agentwire: redacted the value of credential "${name}" from ${field}; results must not carry credential values (pass the credential's name instead)`,
        );
      }
      return redacted;
    };

    const result: RemoteAgentResult = {};
    if (this.errors.length > 0) result.errors = [...this.errors];
    const messages = this.messages.map((message, i) => redactField(message, `messages[${i}]`));
    let memory: JsonObject | undefined;
    if (!jsonEqual(memoryBefore, memoryAfter)) {
      memory = redactField(memoryAfter, "memory");
      if (!isPlainObject(memory)) memory = undefined;
    }
    const logs = [...this.logs, ...redactionLogs];
    if (logs.length > 0) result.logs = logs;
    if (memory !== undefined) result.memory = memory;
    if (messages.length > 0) result.messages = messages;
    return result;
  }
}
