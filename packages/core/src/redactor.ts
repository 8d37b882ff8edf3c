import type { Logger } from "./logger.js";

/** A secret by name: an ActiveWorkflow credential, a Flyte 2 connection secret. */
export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

/** Characters `JSON.stringify` writes escaped (and surrogates, which it may). */
// eslint-disable-next-line no-control-regex
const jsonEscaped = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Replaces every secret value of one request with `[redacted <kind> <name>]` (`kind` is "credential" unless
 * given: ActiveWorkflow's credentials; Flyte 2's connection secrets say "secret"). ActiveWorkflow
 * sends all of a user's credentials to every agent, so a value can leak into an error message (a URL with
 * a token in it, an HTTP client's exception) without the agent ever asking for it; redacting all of them
 * is the only way to promise none reaches a log line, an ActiveWorkflow log or a result.
 *
 * Every non-empty value is redacted, even a short one: a mangled log line is the lesser harm.
 */
export class Redactor {
  private compiled: RegExp | undefined;
  /** Value → credential name, for the markers. */
  private readonly names = new Map<string, string>();

  /** Built only when there is something to redact: `mayOccurInJson` decides that without one. */
  constructor(
    credentials: readonly NamedSecret[],
    private readonly kind = "credential",
  ) {
    for (const { name, value } of credentials) {
      if (value !== "" && !this.names.has(value)) this.names.set(value, name);
    }
  }

  /** Whether any of the credentials has a non-empty value: without one there is nothing to redact. */
  static needed(credentials: readonly NamedSecret[]): boolean {
    for (const credential of credentials) if (credential.value !== "") return true;
    return false;
  }

  /**
   * False when the JSON text `json` surely holds none of the credential values (in a string or a key);
   * true when it may, and the value it came from must be walked with `redactDeep`. One `includes` per
   * credential: a value appears in JSON text as itself unless it has characters JSON escapes, and then
   * as its escaped form (a value with a surrogate is always walked: JSON escapes a lone one on its own
   * but not once paired with its neighbour).
   */
  static mayOccurInJson(credentials: readonly NamedSecret[], json: string): boolean {
    for (const { value } of credentials) {
      if (value === "") continue;
      if (json.includes(value)) return true;
      if (!jsonEscaped.test(value)) continue;
      if (/[\ud800-\udfff]/.test(value) || json.includes(JSON.stringify(value).slice(1, -1))) return true;
    }
    return false;
  }

  /** Whether there is anything to redact. */
  get active(): boolean {
    return this.names.size > 0;
  }

  /** Whether `text` holds any credential value. */
  occursIn(text: string): boolean {
    for (const value of this.names.keys()) if (text.includes(value)) return true;
    return false;
  }

  /**
   * One pass, longest value first, so a value inside another, or inside a replacement marker, is not
   * replaced twice. Compiled on first use: most calls never need it.
   */
  private get pattern(): RegExp {
    if (this.compiled === undefined) {
      const values = [...this.names.keys()].sort((a, b) => b.length - a.length);
      this.compiled = new RegExp(values.map(escapeRegExp).join("|"), "g");
    }
    return this.compiled;
  }

  /** `text` with every credential value replaced; `onHit` hears the name of each credential found. */
  redact(text: string, onHit?: (name: string) => void): string {
    if (!this.occursIn(text)) return text;
    return text.replace(this.pattern, (value) => {
      const name = this.names.get(value) ?? "?";
      onHit?.(name);
      return `[redacted ${this.kind} ${name}]`;
    });
  }

  /**
   * A copy of a JSON-like value (or log argument) with every string redacted, keys included. Errors are
   * copied with their message and stack redacted so pino's serializer still sees an Error.
   */
  redactDeep<T>(value: T, onHit?: (name: string) => void): T {
    if (!this.active) return value;
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
    if (!this.active) return logger;
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
