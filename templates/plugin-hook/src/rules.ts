// The guard's rules, compiled from its settings: which tool calls to cancel, and what to mask in the rest.
import { AgentwireError, isJsonObject, parseJson, stringifyJson, type JsonValue } from "@agentwire/agentplatform";

/** What replaces each masked match. */
export const maskText = "[masked]";

/** The guard's settings as Register coerced them (see configSchema in guard-hook.ts). */
export interface GuardSettings {
  readonly deny_tools: string;
  readonly deny_arguments: string;
  readonly mask_pattern: string;
}

export interface GuardRules {
  /** Tool names to cancel: `shell`, or globs such as `exec_*` (`*` is any run of characters). */
  readonly deniedTools: readonly RegExp[];
  /** Cancels a call whose arguments (as JSON text) match, case-insensitively. */
  readonly deniedArguments: RegExp | undefined;
  /** Matches are replaced with `[masked]` in the string values of the arguments. */
  readonly mask: RegExp | undefined;
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/**
 * Compiles the settings. Throws one INVALID_ARGUMENT naming every setting that is not a valid regular
 * expression, so Register refuses it and the previous rules stay.
 */
export function compileRules(settings: GuardSettings): GuardRules {
  const problems: Record<string, string> = {};
  const regex = (field: "deny_arguments" | "mask_pattern", flags: string): RegExp | undefined => {
    const source = settings[field].trim();
    if (source === "") return undefined;
    try {
      return new RegExp(source, flags);
    } catch (err) {
      problems[field] = `${JSON.stringify(source)} is not a valid regular expression (${(err as Error).message})`;
      return undefined;
    }
  };
  const rules: GuardRules = {
    deniedTools: settings.deny_tools
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "")
      .map(glob),
    deniedArguments: regex("deny_arguments", "i"),
    mask: regex("mask_pattern", "g"),
  };
  if (Object.keys(problems).length > 0) {
    const message = Object.entries(problems).map(([field, problem]) => `${field}: ${problem}`).join("; ");
    throw new AgentwireError("invalid_argument", message, { details: { fields: problems } });
  }
  return rules;
}

/** Masks every string inside a JSON value; `changed` says whether anything was masked. */
function maskValue(value: JsonValue, mask: RegExp): { value: JsonValue; changed: boolean } {
  if (typeof value === "string") {
    const masked = value.replace(mask, maskText);
    return { value: masked, changed: masked !== value };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => maskValue(item, mask));
    return { value: items.map((i) => i.value), changed: items.some((i) => i.changed) };
  }
  if (isJsonObject(value)) {
    let changed = false;
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      const result = maskValue(item, mask);
      out[key] = result.value;
      changed ||= result.changed;
    }
    return { value: out, changed };
  }
  return { value, changed: false }; // numbers (kept exactly, big ones included), booleans, null
}

/**
 * A tool call's arguments with the mask applied to their string values (read and written losslessly), or
 * undefined when nothing matched. Arguments that are not JSON are masked as plain text.
 */
export function maskArguments(argumentsJson: string, mask: RegExp): string | undefined {
  let parsed: JsonValue;
  try {
    parsed = parseJson(argumentsJson);
  } catch {
    const masked = argumentsJson.replace(mask, maskText);
    return masked === argumentsJson ? undefined : masked;
  }
  const result = maskValue(parsed, mask);
  return result.changed ? stringifyJson(result.value) : undefined;
}
