// An AgentPlatform workspace file, in HCL, read with HashiCorp's own parser (hcl2json: HCL's Go parser
// compiled to WebAssembly). Upstream's part: `workspace "ID" { plugin "NAME" { source, version, config {} } }`.
// Ours, because upstream leaves it open and the agent loop needs it: the workspace's `env`, a local plugin's
// `cwd`, the `agent "NAME"` blocks (instructions, LLM plugin and model, tools, handoffs) and the `loop` block
// (bounds and deadlines). Every refusal names the file, the line and the attribute.
import { readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { AgentwireError, parseHostPort } from "@agentwire/core";
import { parseDuration } from "../config.js";

/** Where a plugin comes from: a remote plugin's address, or the command that starts a local one. */
export type PluginSource = { kind: "remote"; host: string; port: number } | { kind: "local"; command: string; cwd: string };

export interface WorkspacePlugin {
  readonly name: string;
  readonly source: PluginSource;
  /** The version the block asks for (upstream's `version`), checked against the manifest's. */
  readonly version?: string;
  /** The block's `config {}`: values as strings, as `RegisterRequest.config` carries them. */
  readonly config: Record<string, string>;
  /** `file:line` of the block. */
  readonly where: string;
}

export interface WorkspaceAgent {
  readonly name: string;
  readonly instructions: string;
  /** The LLM_PROVIDER plugin. */
  readonly llm: string;
  readonly model: string;
  /** TOOL_PROVIDER plugins whose tools it may call; undefined: all of them. */
  readonly tools?: string[];
  /** Agents it may hand the conversation to. */
  readonly handoffs: string[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly where: string;
}

/** The loop's bounds. Ours. */
export interface LoopSettings {
  /** LLM calls per conversation at most. Default 10. */
  readonly maxTurns: number;
  /** Deadline of each plugin call (a Complete stream as a whole, a tool, a hook). Default 60 s. */
  readonly callTimeoutMs: number;
  /** A TOOL_CALL hook that fails or times out: "deny" (the call is not made; default) or "allow" (with a warning). */
  readonly toolCallHookFailure: "deny" | "allow";
}

export interface Workspace {
  readonly id: string;
  /** The workspace file (absolute). */
  readonly file: string;
  /** Set in local plugins' environment and sent to remote plugins in `RegisterRequest.env_vars`. */
  readonly env: Record<string, string>;
  readonly plugins: WorkspacePlugin[];
  readonly agents: WorkspaceAgent[];
  readonly loop: LoopSettings;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Finds lines in the HCL text: a block's header, and an attribute after it. */
class Lines {
  private readonly lines: string[];
  constructor(
    text: string,
    private readonly shown: string,
  ) {
    this.lines = text.split("\n");
  }

  /** The line (1-based) of `type "label" {` after line `from`, or `from`. */
  block(type: string, label: string | undefined, from = 1): number {
    const re = new RegExp(`^\\s*${type}${label === undefined ? "" : `\\s+"${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`}\\s*\\{`);
    for (let i = from - 1; i < this.lines.length; i++) if (re.test(this.lines[i]!)) return i + 1;
    return from;
  }

  /** The line of `name =` (or `name {`) at or after line `from`, or `from`. */
  attribute(name: string, from: number): number {
    const re = new RegExp(`^\\s*${name}\\s*(=|\\{)`);
    for (let i = from - 1; i < this.lines.length; i++) if (re.test(this.lines[i]!)) return i + 1;
    return from;
  }

  at(line: number): string {
    return `${this.shown}:${line}`;
  }
}

function refuse(problems: string[]): never {
  throw new AgentwireError("invalid_argument", problems.join("\n"));
}

const str = (v: unknown): v is string => typeof v === "string";

/** Reads and checks one workspace file. */
export async function loadWorkspace(path: string): Promise<Workspace> {
  const file = resolve(path);
  const shown = basename(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AgentwireError("invalid_argument", `${path}: ${code === "ENOENT" ? "no such workspace file" : `cannot read it (${code ?? String(err)})`}`);
  }
  return parseWorkspace(text, { file, shown });
}

/** The same from text (`file` is where relative paths start from). */
export async function parseWorkspace(text: string, options: { file: string; shown?: string }): Promise<Workspace> {
  const shown = options.shown ?? basename(options.file);
  let json: Json;
  try {
    json = (await parseHcl(shown, text)) as Json;
  } catch (err) {
    // hcl2json: "parse config: [ws.hcl:3,11-4,1: Invalid expression; Expected …]"
    const message = String((err as Error).message ?? err).replace(/^parse config: \[/, "").replace(/\]$/, "");
    const m = /^(.*?):(\d+),\d+(?:-\d+(?:,\d+)?)?: (.*)$/s.exec(message);
    throw new AgentwireError("invalid_argument", m ? `${shown}:${m[2]}: not valid HCL: ${m[3]}` : `${shown}: not valid HCL: ${message}`);
  }
  const lines = new Lines(text, shown);
  const problems: string[] = [];
  const baseDir = dirname(options.file);

  for (const key of Object.keys(json)) {
    if (key !== "workspace") problems.push(`${lines.at(lines.block(key, undefined))}: ${key}: not a known block; a workspace file holds one workspace "ID" { … } block`);
  }
  const workspaces = isObject(json.workspace) ? Object.entries(json.workspace) : [];
  if (workspaces.length !== 1 || !Array.isArray(workspaces[0]![1]) || workspaces[0]![1].length !== 1) {
    problems.push(`${shown}:1: expected exactly one workspace "ID" { … } block, found ${workspaces.length}`);
    refuse(problems);
  }
  const [id, bodies] = workspaces[0]! as [string, Json[]];
  const body = bodies[0]!;
  const wsLine = lines.block("workspace", id);

  const known = new Set(["env", "plugin", "agent", "loop"]);
  for (const key of Object.keys(body)) {
    if (!known.has(key)) problems.push(`${lines.at(lines.attribute(key, wsLine))}: workspace.${key}: not a known attribute or block; expected plugin, agent, loop or env`);
  }

  const env: Record<string, string> = {};
  if (body.env !== undefined) {
    if (!isObject(body.env)) problems.push(`${lines.at(lines.attribute("env", wsLine))}: env: expected a map of strings, e.g. env = { TASKS_DIR = "/srv/tasks" }`);
    else for (const [k, v] of Object.entries(body.env)) {
      if (str(v) || typeof v === "number" || typeof v === "boolean") env[k] = String(v);
      else problems.push(`${lines.at(lines.attribute("env", wsLine))}: env.${k}: expected a string`);
    }
  }

  // hcl2json sorts block labels; the workspace's order (hook order, the first agent) is the source's.
  const inSourceOrder = (type: string, entries: Array<[string, unknown]>) =>
    entries.map((e) => ({ e, line: lines.block(type, e[0], wsLine) })).sort((a, b) => a.line - b.line).map((x) => x.e);
  const plugins: WorkspacePlugin[] = [];
  for (const [name, blocks] of inSourceOrder("plugin", Object.entries(isObject(body.plugin) ? body.plugin : {}))) {
    const line = lines.block("plugin", name, wsLine);
    const where = `plugin "${name}"`;
    if (!Array.isArray(blocks) || blocks.length !== 1) {
      problems.push(`${lines.at(line)}: ${where}: declared more than once`);
      continue;
    }
    const p = blocks[0] as Json;
    for (const key of Object.keys(p)) {
      if (!["source", "version", "config", "cwd"].includes(key)) problems.push(`${lines.at(lines.attribute(key, line))}: ${where}.${key}: not a known attribute; expected source, version, config or cwd`);
    }
    if (!str(p.source) || p.source.trim() === "") {
      problems.push(`${lines.at(p.source === undefined ? line : lines.attribute("source", line))}: ${where}.source: required: "remote://HOST:PORT" for a remote plugin, or the command that starts a local one (e.g. "node dist/main.js")`);
      continue;
    }
    let source: PluginSource;
    if (p.source.startsWith("remote://")) {
      try {
        const { host, port } = parseHostPort(p.source.slice("remote://".length), `${where}.source`);
        source = { kind: "remote", host, port };
      } catch (err) {
        problems.push(`${lines.at(lines.attribute("source", line))}: ${(err as Error).message.replace("HOST:PORT", "remote://HOST:PORT")}`);
        continue;
      }
      if (p.cwd !== undefined) problems.push(`${lines.at(lines.attribute("cwd", line))}: ${where}.cwd: only for a local plugin (a command), not a remote:// one`);
    } else {
      const cwd = str(p.cwd) ? (isAbsolute(p.cwd) ? p.cwd : resolve(baseDir, p.cwd)) : baseDir;
      source = { kind: "local", command: p.source, cwd };
    }
    const config: Record<string, string> = {};
    if (p.config !== undefined) {
      const cfgLine = lines.attribute("config", line);
      const blocksOf = Array.isArray(p.config) ? p.config : [p.config];
      for (const block of blocksOf) {
        if (!isObject(block)) {
          problems.push(`${lines.at(cfgLine)}: ${where}.config: expected a block, config { key = "value" }`);
          continue;
        }
        for (const [k, v] of Object.entries(block)) {
          if (str(v) || typeof v === "number" || typeof v === "boolean") config[k] = String(v);
          else problems.push(`${lines.at(lines.attribute(k, cfgLine))}: ${where}.config.${k}: expected a string, number or bool (values reach the plugin as strings)`);
        }
      }
    }
    if (p.version !== undefined && !str(p.version)) problems.push(`${lines.at(lines.attribute("version", line))}: ${where}.version: expected a string such as "1.0.0"`);
    plugins.push({ name, source, ...(str(p.version) ? { version: p.version } : {}), config, where: lines.at(line) });
  }

  const agents: WorkspaceAgent[] = [];
  const pluginNames = new Set(plugins.map((p) => p.name));
  const agentEntries = inSourceOrder("agent", Object.entries(isObject(body.agent) ? body.agent : {}));
  const agentNames = new Set(agentEntries.map(([n]) => n));
  for (const [name, blocks] of agentEntries) {
    const line = lines.block("agent", name, wsLine);
    const where = `agent "${name}"`;
    const a = (Array.isArray(blocks) ? blocks[0] : blocks) as Json;
    const allowed = ["instructions", "llm", "model", "tools", "handoffs", "temperature", "max_tokens"];
    for (const key of Object.keys(a)) {
      if (!allowed.includes(key)) problems.push(`${lines.at(lines.attribute(key, line))}: ${where}.${key}: not a known attribute; expected ${allowed.join(", ")}`);
    }
    for (const key of ["llm", "model"] as const) {
      if (!str(a[key]) || a[key] === "") problems.push(`${lines.at(a[key] === undefined ? line : lines.attribute(key, line))}: ${where}.${key}: required (${key === "llm" ? "the name of an LLM plugin block" : 'the model the LLM plugin is asked for, e.g. "gpt-4o-mini"'})`);
    }
    if (str(a.llm) && a.llm !== "" && !pluginNames.has(a.llm)) problems.push(`${lines.at(lines.attribute("llm", line))}: ${where}.llm: no plugin "${a.llm}" in this workspace (it has ${[...pluginNames].join(", ") || "none"})`);
    const list = (key: "tools" | "handoffs", names: Set<string>, what: string): string[] | undefined => {
      if (a[key] === undefined) return undefined;
      if (!Array.isArray(a[key]) || !(a[key] as unknown[]).every(str)) {
        problems.push(`${lines.at(lines.attribute(key, line))}: ${where}.${key}: expected a list of names, e.g. ${key} = ["files"]`);
        return [];
      }
      for (const n of a[key] as string[]) if (!names.has(n)) problems.push(`${lines.at(lines.attribute(key, line))}: ${where}.${key}: no ${what} "${n}" in this workspace (it has ${[...names].join(", ") || "none"})`);
      return a[key] as string[];
    };
    const tools = list("tools", pluginNames, "plugin");
    const handoffs = list("handoffs", agentNames, "agent") ?? [];
    for (const key of ["temperature", "max_tokens"] as const) {
      if (a[key] !== undefined && typeof a[key] !== "number") problems.push(`${lines.at(lines.attribute(key, line))}: ${where}.${key}: expected a number`);
    }
    agents.push({
      name,
      instructions: str(a.instructions) ? a.instructions : "",
      llm: str(a.llm) ? a.llm : "",
      model: str(a.model) ? a.model : "",
      ...(tools ? { tools } : {}),
      handoffs,
      ...(typeof a.temperature === "number" ? { temperature: a.temperature } : {}),
      ...(typeof a.max_tokens === "number" ? { maxTokens: a.max_tokens } : {}),
      where: lines.at(line),
    });
  }

  let loop: LoopSettings = { maxTurns: 10, callTimeoutMs: 60_000, toolCallHookFailure: "deny" };
  if (body.loop !== undefined) {
    const line = lines.block("loop", undefined, wsLine);
    const l = (Array.isArray(body.loop) ? body.loop[0] : body.loop) as Json;
    for (const key of Object.keys(l)) {
      if (!["max_turns", "call_timeout", "tool_call_hook_failure"].includes(key)) problems.push(`${lines.at(lines.attribute(key, line))}: loop.${key}: not a known attribute; expected max_turns, call_timeout or tool_call_hook_failure`);
    }
    if (l.max_turns !== undefined && !(typeof l.max_turns === "number" && Number.isInteger(l.max_turns) && l.max_turns >= 1)) {
      problems.push(`${lines.at(lines.attribute("max_turns", line))}: loop.max_turns: expected a whole number ≥ 1`);
    }
    const timeoutMs = str(l.call_timeout) ? parseDuration(l.call_timeout) : undefined;
    if (l.call_timeout !== undefined && !(timeoutMs !== undefined && timeoutMs > 0)) {
      problems.push(`${lines.at(lines.attribute("call_timeout", line))}: loop.call_timeout: expected a duration such as "30s" or "2m"`);
    }
    if (l.tool_call_hook_failure !== undefined && l.tool_call_hook_failure !== "deny" && l.tool_call_hook_failure !== "allow") {
      problems.push(`${lines.at(lines.attribute("tool_call_hook_failure", line))}: loop.tool_call_hook_failure: expected "deny" or "allow"`);
    }
    loop = {
      maxTurns: typeof l.max_turns === "number" ? l.max_turns : loop.maxTurns,
      callTimeoutMs: timeoutMs ?? loop.callTimeoutMs,
      toolCallHookFailure: l.tool_call_hook_failure === "allow" ? "allow" : "deny",
    };
  }
  if (problems.length > 0) refuse(problems);
  return { id, file: options.file, env, plugins, agents, loop };
}
