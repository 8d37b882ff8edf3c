import type { Logger } from "@agentwire/core";
import type { Credential } from "./wire-format.js";

/**
 * Replaces every credential value of one request with `[redacted credential <name>]`. ActiveWorkflow
 * sends all of a user's credentials to every agent, so a value can leak into an error message (a URL with
 * a token in it, an HTTP client's exception) without the agent ever asking for it; redacting all of them
 * is the only way to promise none reaches a log line, an ActiveWorkflow log or a result.
 *
 * Every non-empty value is redacted, even a short one: a mangled log line is the lesser harm.
 */
export class Redactor {
  private readonly pattern: RegExp | undefined;
  private readonly names = new Map<string, string>();

  constructor(credentials: readonly Credential[]) {
    for (const { name, value } of credentials) {
      if (value !== "" && !this.names.has(value)) this.names.set(value, name);
    }
    // Longest first, and one pass, so a value inside another, or inside a replacement marker, is not
    // replaced twice.
    const values = [...this.names.keys()].sort((a, b) => b.length - a.length);
    this.pattern = values.length === 0 ? undefined : new RegExp(values.map(escapeRegExp).join("|"), "g");
  }

  /** Whether there is anything to redact. */
  get active(): boolean {
    return this.pattern !== undefined;
  }

  /** `text` with every credential value replaced; `onHit` hears the name of each credential found. */
  redact(text: string, onHit?: (name: string) => void): string {
    if (this.pattern === undefined) return text;
    return text.replace(this.pattern, (value) => {
      const name = this.names.get(value) ?? "?";
      onHit?.(name);
      return `[redacted credential ${name}]`;
    });
  }

  /**
   * A copy of a JSON-like value (or log argument) with every string redacted, keys included. Errors are
   * copied with their message and stack redacted so pino's serializer still sees an Error.
   */
  redactDeep<T>(value: T, onHit?: (name: string) => void): T {
    if (this.pattern === undefined) return value;
    return this.walk(value, onHit, new WeakMap(), 0) as T;
  }

  private walk(value: unknown, onHit: ((name: string) => void) | undefined, seen: WeakMap<object, unknown>, depth: number): unknown {
    if (typeof value === "string") return this.redact(value, onHit);
    if (typeof value !== "object" || value === null || depth > 32) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (value instanceof Error) {
      // Same prototype, so the logged `type` stays TypeError, AgentwireError ...
      const copy = Object.create(Object.getPrototypeOf(value) as object) as Error;
      seen.set(value, copy);
      copy.message = this.redact(value.message, onHit);
      copy.name = value.name;
      copy.stack = value.stack === undefined ? undefined : this.redact(value.stack, onHit);
      if (value.cause !== undefined) copy.cause = this.walk(value.cause, onHit, seen, depth + 1);
      for (const key of Object.keys(value)) {
        (copy as unknown as Record<string, unknown>)[key] = this.walk((value as unknown as Record<string, unknown>)[key], onHit, seen, depth + 1);
      }
      return copy;
    }
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.walk(item, onHit, seen, depth + 1));
      return copy;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    for (const [key, item] of Object.entries(value)) {
      copy[this.redact(key, onHit)] = this.walk(item, onHit, seen, depth + 1);
    }
    return copy;
  }

  /**
   * A logger whose lines go through `redactDeep` first: what `ctx.logger` is, so an agent that logs a
   * request URL or an exception with a token in it does not write the token to stderr.
   */
  wrapLogger(logger: Logger): Logger {
    if (this.pattern === undefined) return logger;
    const levels = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);
    return new Proxy(logger, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        if (typeof property === "string" && levels.has(property)) {
          return (...args: unknown[]) => (value as (...a: unknown[]) => void).apply(target, args.map((arg) => this.redactDeep(arg)));
        }
        if (property === "child") {
          return (...args: unknown[]) =>
            this.wrapLogger((value as (...a: unknown[]) => Logger).apply(target, args.map((arg) => this.redactDeep(arg))));
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
