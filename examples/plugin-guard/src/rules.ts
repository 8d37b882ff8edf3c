// The guard's rules, from its two config fields: which tools to deny, and which patterns to redact.
import { AgentwireError } from "@agentwire/agentplatform";

/** What replaces each redacted match. */
export const redactionText = "[REDACTED]";

/** The rules one `Register` set up. */
export interface GuardRules {
  /** Tool names whose TOOL_CALL events are cancelled (exact, case-sensitive). */
  readonly deniedTools: ReadonlySet<string>;
  /** Compiled `redact_patterns`, each with the `g` and `u` flags (and `i` for a `(?i)` prefix). */
  readonly patterns: readonly RegExp[];
}

/** The guard's config as `Register` coerced it. */
export interface GuardConfig {
  readonly deny_tools: string;
  readonly redact_patterns: string;
}

/**
 * Compiles the rules from the config. Throws one INVALID_ARGUMENT naming every pattern that is not a valid
 * regular expression (`Register` then refuses the config, and the previous rules stay).
 */
export function compileRules(config: GuardConfig): GuardRules {
  const deniedTools = new Set(splitList(config.deny_tools));
  const problems: string[] = [];
  const patterns: RegExp[] = [];
  for (const source of splitPatterns(config.redact_patterns)) {
    try {
      patterns.push(compilePattern(source));
    } catch (err) {
      problems.push(`${JSON.stringify(source)} is not a valid regular expression (${regexProblem(err)})`);
    }
  }
  if (problems.length > 0) {
    throw new AgentwireError("invalid_argument", `redact_patterns: ${problems.join("; ")}`, {
      details: { fields: { redact_patterns: problems.join("; ") } },
    });
  }
  return { deniedTools, patterns };
}

/** `"shell, delete_file,,"` → `["shell", "delete_file"]`: split on commas, trimmed, empty entries dropped. */
export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/**
 * Splits `redact_patterns` on the commas that separate patterns: not those inside a `{m,n}` quantifier or a
 * `[...]` class, nor an escaped one, so `sk-[A-Za-z0-9]{20,}` and `[,;]` stay whole. An unclosed `[` or `{`
 * does not swallow the patterns after it: the split then falls back to its next comma, so the broken pattern
 * alone is refused. Entries are trimmed and empty ones dropped. (Write `\x2c` for a literal comma elsewhere.)
 */
export function splitPatterns(value: string): string[] {
  const entries: string[] = [];
  let start = 0;
  for (;;) {
    const end = separatorAfter(value, start);
    entries.push(value.slice(start, end === -1 ? undefined : end));
    if (end === -1) break;
    start = end + 1;
  }
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== "");
}

/** The index of the comma ending the pattern that starts at `start`, or -1 if it runs to the end. */
function separatorAfter(value: string, start: number): number {
  let escaped = false;
  let inClass = false;
  let braces = 0;
  for (let i = start; i < value.length; i++) {
    const char = value[i];
    if (escaped) escaped = false;
    else if (char === "\\") escaped = true;
    else if (inClass) inClass = char !== "]";
    else if (char === "[") inClass = true;
    else if (char === "{") braces += 1;
    else if (char === "}" && braces > 0) braces -= 1;
    else if (char === "," && braces === 0) return i;
  }
  return !inClass && braces === 0 ? -1 : value.indexOf(",", start);
}

/**
 * A pattern as a global, Unicode-aware, case-sensitive `RegExp`. A leading `(?i)` (Go's and PCRE's spelling,
 * which operators of a Go platform write, and which JavaScript lacks) makes it case-insensitive.
 */
export function compilePattern(source: string): RegExp {
  const insensitive = source.startsWith("(?i)");
  return new RegExp(insensitive ? source.slice(4) : source, insensitive ? "giu" : "gu");
}

/**
 * Replaces every match of every pattern in `text` with `[REDACTED]`. Matches are found in the original
 * text, so overlapping matches (of one pattern or several) become one `[REDACTED]` and no pattern sees
 * another's replacement; empty matches (`x*` matches everywhere) are ignored.
 */
export function redact(text: string, patterns: readonly RegExp[]): { text: string; redactions: number } {
  const ranges: Array<[number, number]> = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      if (match[0] !== "") ranges.push([match.index, match.index + match[0].length]);
    }
  }
  if (ranges.length === 0) return { text, redactions: 0 };
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = "";
  let cursor = 0;
  let redactions = 0;
  for (const [start, end] of ranges) {
    if (end <= cursor) continue;
    if (start >= cursor) {
      out += text.slice(cursor, start) + redactionText;
      redactions += 1;
    }
    cursor = end;
  }
  return { text: out + text.slice(cursor), redactions };
}

/** `Unterminated character class` from `Invalid regular expression: /sk-[/gu: Unterminated character class`. */
function regexProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(message.lastIndexOf(": ") + 2) || message;
}
