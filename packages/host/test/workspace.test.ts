// `agentwire-host serve` with an AgentPlatform workspace of the example plugins as real processes:
// plugin-files and plugin-openai local (started by the host, found through their handshake), plugin-guard
// and plugin-dashboard remote (started by the test on loopback ports), plugin-openai talking to a scripted
// OpenAI-compatible server. A conversation is checked event by event, and what reached the upstream.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureOutput, chunk, FakeOpenAI, freePorts, runProcess, sse, textStream, toolCallArgs, toolCallStart, waitForPort } from "@agentwire/test-support";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationEvent } from "../src/agentplatform/loop.js";
import { cli, examples, startHostProcess, stopAll, until, type HostProcess } from "./host-process.js";

/** A chat line: a conversation event (or the closing `{"type": "conversation", "id"}`). */
type Event = Omit<ConversationEvent, "type"> & { type: string };
interface PluginView {
  name: string;
  kind: string;
  state: string;
  pid?: number;
  restarts: number;
  capabilities: string[];
  tools: string[];
  views: string[];
  error?: string;
  logs: string[];
}

const children: ChildProcess[] = [];
let host: HostProcess;
let upstream: FakeOpenAI;
const dir = mkdtempSync(join(tmpdir(), "agentwire-host-workspace-"));
const secret = "sk-ABCDEFGHIJKLMNOPQRSTUVWX0123456789";

async function startRemote(example: string, port: number, env: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, [join(examples, example, "dist", "main.js")], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "warn", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const out = captureOutput(child);
  await waitForPort(port, { child, output: () => out.output() });
}

/** POST …/chat: the NDJSON lines, parsed. */
async function chat(input: string): Promise<Event[]> {
  const response = await fetch(`${host.url}/api/v1/workspaces/team/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
  return (await response.text())
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Event);
}

/** The events without streamed content, and the content joined: what a person reads. */
function summary(events: Event[]): string[] {
  return events.filter((e) => e.type !== "content" && e.type !== "conversation").map((e) => `${e.type}${e.tool ? ` ${e.tool}` : ""}${e.is_error ? " (error)" : ""}`);
}

beforeAll(async () => {
  upstream = await FakeOpenAI.start();
  mkdirSync(join(dir, "docs"));
  writeFileSync(join(dir, "docs", "notes.txt"), "standup at 9:30\nTODO: book the offsite\n");
  writeFileSync(join(dir, "secret.txt"), "outside the root\n");
  const [guardPort, dashboardPort] = (await freePorts(2)) as [number, number];
  await startRemote("plugin-guard", guardPort);
  await startRemote("plugin-dashboard", dashboardPort, { TASKS_DIR: join(dir, "tasks") });
  writeFileSync(
    join(dir, "team.hcl"),
    `workspace "team" {
  env = { OPENAI_API_KEY = "fake-key-for-the-test" }

  plugin "files" {
    source = "node dist/main.js"
    cwd    = "${join(examples, "plugin-files")}"
    config {
      root = "${join(dir, "docs")}"
    }
  }

  plugin "openai" {
    source = "node dist/main.js"
    cwd    = "${join(examples, "plugin-openai")}"
    config {
      base_url = "${upstream.baseUrl}"
    }
  }

  plugin "guard" {
    source = "remote://127.0.0.1:${guardPort}"
    config {
      deny_tools      = "search_files"
      redact_patterns = "sk-[A-Za-z0-9]{20,}"
    }
  }

  plugin "dashboard" {
    source = "remote://127.0.0.1:${dashboardPort}"
  }

  agent "assistant" {
    instructions = "You answer questions about the team's notes."
    llm          = "openai"
    model        = "gpt-4o-mini"
    tools        = ["files"]
  }

  loop {
    max_turns    = 4
    call_timeout = "20s"
  }
}
`,
  );
  host = await startHostProcess(dir, `state: state/host.db\nhttp: { port: 0 }\nagentplatform:\n  workspaces: [team.hcl]\n  healthInterval: 500ms\n`);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await stopAll(children);
  await upstream?.close();
});

describe("a workspace of the example plugins", () => {
  it("starts the local plugins through their handshake, connects the remote ones, registers each and says so", async () => {
    const out = host.output.output();
    expect(out).toMatch(/AgentPlatform workspace team \(.*team\.hcl\), PlatformHost at 127\.0\.0\.1:\d+/);
    const { body } = await host.api<{ plugins: PluginView[] }>("GET", "/api/v1/workspaces/team");
    const byName = Object.fromEntries(body.plugins.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(["files", "openai", "guard", "dashboard"]);
    expect(byName.files).toMatchObject({ kind: "local", state: "registered", capabilities: ["TOOL_PROVIDER"], tools: ["list_files", "read_file", "search_files"] });
    expect(byName.files!.pid).toBeGreaterThan(0);
    expect(byName.openai).toMatchObject({ kind: "local", state: "registered", capabilities: ["LLM_PROVIDER"] });
    expect(byName.guard).toMatchObject({ kind: "remote", state: "registered", capabilities: ["LIFECYCLE_HOOK"] });
    expect(byName.dashboard).toMatchObject({ kind: "remote", state: "registered", capabilities: ["VIEW_PROVIDER"], views: ["tasks"] });
  });

  it("runs a conversation: text, a tool call that really reads the file, a denied one the model is told about, the final answer; the secret never reaches the upstream", async () => {
    upstream.reset();
    upstream.reply({
      pieces: sse([
        chunk({ role: "assistant", content: "Let me " }),
        chunk({ content: "look." }),
        chunk(toolCallStart(0, "call_read", "read_file")),
        chunk(toolCallArgs(0, '{"path":"notes.txt"}')),
        chunk(toolCallStart(1, "call_search", "search_files")),
        chunk(toolCallArgs(1, '{"pattern":"TODO"}')),
        chunk({}, "tool_calls"),
      ]),
    });
    upstream.reply({ pieces: textStream(["The offsite ", "still needs booking."]) });
    const events = await chat(`What is left to do? (my key is ${secret})`);
    expect(summary(events)).toEqual([
      "tool_call read_file",
      "tool_result read_file",
      "tool_call search_files",
      "tool_result search_files (error)",
      "finish",
    ]);
    expect(events.filter((e) => e.type === "content").map((e) => e.content).join("")).toBe("Let me look.The offsite still needs booking.");
    const read = events.find((e) => e.type === "tool_result" && e.tool === "read_file")!;
    expect(read.result).toContain("TODO: book the offsite");
    const denied = events.find((e) => e.type === "tool_result" && e.tool === "search_files")!;
    expect(denied.result).toMatch(/the call was cancelled by hook guard/);
    expect(events.at(-1)).toMatchObject({ type: "conversation" });

    expect(upstream.requests).toHaveLength(2);
    for (const r of upstream.requests) expect(r.raw).not.toContain(secret);
    const first = upstream.requests[0]!.body as { model: string; messages: Array<{ role: string; content: string }>; tools: Array<{ function: { name: string } }> };
    expect(first.model).toBe("gpt-4o-mini");
    expect(first.messages[0]).toMatchObject({ role: "system", content: "You answer questions about the team's notes." });
    expect(first.messages[1]!.content).toContain("[REDACTED]");
    expect(first.tools.map((t) => t.function.name)).toEqual(["list_files", "read_file", "search_files"]);
    const second = upstream.requests[1]!.body as { messages: Array<{ role: string; content: string; tool_call_id?: string }> };
    const toolMessages = second.messages.filter((m) => m.role === "tool");
    expect(toolMessages.map((m) => m.tool_call_id)).toEqual(["call_read", "call_search"]);
    expect(toolMessages[0]!.content).toContain("TODO: book the offsite");
    expect(toolMessages[1]!.content).toMatch(/cancelled by hook guard/);

    const { body } = await host.api<{ conversations: Array<{ id: string; status: string; source: string }> }>("GET", "/api/v1/workspaces/team/conversations");
    expect(body.conversations[0]).toMatchObject({ status: "completed", source: "chat" });
    const stored = await host.api<{ events: Event[] }>("GET", `/api/v1/workspaces/team/conversations/${body.conversations[0]!.id}`);
    expect(summary(stored.body.events)).toEqual(summary(events));
  });

  it("settings: listed with each schema, refused per field, saved and merged (defaults → settings → the workspace's config), the plugin registered again", async () => {
    const list = await host.api<Array<{ name: string; schema: Array<{ name: string }>; settings: Record<string, string>; effective: Record<string, string> }>>("GET", "/api/v1/workspaces/team/settings");
    const files = list.body.find((p) => p.name === "files")!;
    expect(files.schema.map((f) => f.name)).toEqual(["root", "max_file_bytes", "max_results"]);
    const refused = await host.api("PUT", "/api/v1/workspaces/team/settings/files", { settings: { max_results: "many", colour: "blue" } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: "validation failed", fields: { max_results: expect.any(String), colour: expect.stringMatching(/not a field/) } });
    const registrations = async () =>
      (await host.api<{ plugins: PluginView[] }>("GET", "/api/v1/workspaces/team")).body.plugins.find((p) => p.name === "files")!.logs.filter((l) => l.includes('"msg":"registered"')).length;
    const before = await registrations();
    const saved = await host.api("PUT", "/api/v1/workspaces/team/settings/files", { settings: { max_results: 7, root: "/somewhere/else" } });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ status: "saved" });
    const after = (await host.api<typeof list.body>("GET", "/api/v1/workspaces/team/settings")).body.find((p) => p.name === "files")!;
    expect(after.settings).toEqual({ max_results: "7", root: "/somewhere/else" });
    expect(after.effective).toMatchObject({ max_results: "7", root: join(dir, "docs") }); // the workspace's config {} wins over settings
    expect(after.effective.max_file_bytes).toBeDefined(); // the manifest's default
    expect(await until("the plugin registered again", async () => (await registrations()) === before + 1)).toBe(true);
  });

  it("view routes go to HandleRoute and RenderView is served as HCL and as components", async () => {
    const created = await host.api<{ title: string }>("POST", "/api/v1/workspaces/team/views/dashboard/api/tasks", { title: "Book the offsite" });
    expect(created.status).toBe(201);
    const listed = await host.api<{ tasks: Array<{ title: string }> }>("GET", "/api/v1/workspaces/team/views/dashboard/api/tasks");
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((t) => t.title)).toContain("Book the offsite");
    const rendered = await host.api<{ hcl: string; components: Record<string, unknown> }>("GET", "/api/v1/workspaces/team/render/dashboard/tasks");
    expect(rendered.status).toBe(200);
    expect(rendered.body.hcl).toContain("Book the offsite");
    expect(rendered.body.components).toHaveProperty("component");
  });

  it("the view's stream is bridged to HandleStream, and the dashboard's chat comes back through PlatformHost", async () => {
    upstream.reset();
    upstream.reply({ pieces: textStream(["Hello ", "from the loop."]) });
    const ws = new WebSocket(`${host.url.replace("http", "ws")}/api/v1/workspaces/team/views/dashboard/stream`, { headers: { authorization: `Bearer ${host.token}` } });
    const received: Event[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      ws.on("message", (data: Buffer) => {
        const event = JSON.parse(data.toString("utf8")) as Event;
        received.push(event);
        if (event.type === "finish" || event.type === "error") resolve();
      });
      ws.on("error", reject);
    });
    await new Promise<void>((resolve) => ws.once("open", () => resolve()));
    ws.send(JSON.stringify({ input: "hi there" }));
    await finished;
    ws.close();
    expect(received.filter((e) => e.type === "content").map((e) => e.content).join("")).toBe("Hello from the loop.");
    expect(received.at(-1)).toMatchObject({ type: "finish", agent: "assistant" });
    const { body } = await host.api<{ conversations: Array<{ source: string; input: string }> }>("GET", "/api/v1/workspaces/team/conversations");
    expect(body.conversations[0]).toMatchObject({ source: "PlatformHost", input: "hi there" });
  });

  it("the chat WebSocket runs the loop for each message", async () => {
    upstream.reset();
    upstream.reply({ pieces: textStream(["Pong."]) });
    const ws = new WebSocket(`${host.url.replace("http", "ws")}/api/v1/workspaces/team/chat`, { headers: { authorization: `Bearer ${host.token}` } });
    const received: Event[] = [];
    const done = new Promise<void>((resolve) => ws.on("message", (data: Buffer) => {
      const e = JSON.parse(data.toString("utf8")) as Event;
      received.push(e);
      if (e.type === "conversation") resolve();
    }));
    await new Promise<void>((resolve) => ws.once("open", () => resolve()));
    ws.send("ping");
    await done;
    ws.close();
    expect(summary(received)).toEqual(["finish"]);
  });

  it("agentwire-host chat talks to the workspace from the terminal: one message, or one per line of stdin with the history kept", async () => {
    upstream.reset();
    upstream.reply({ pieces: sse([chunk(toolCallStart(0, "call_r", "read_file")), chunk(toolCallArgs(0, '{"path":"notes.txt"}')), chunk({}, "tool_calls")]) });
    upstream.reply({ pieces: textStream(["Standup is at 9:30."]) });
    const one = await runProcess(process.execPath, [cli, "chat", "team", "--message", "When is standup?", "--url", host.url, "--token", host.token], { timeoutMs: 60_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe('  → read_file {"path":"notes.txt"}\n  ← read_file: ' + one.stdout.split("← read_file: ")[1]!.split("\n")[0] + "\nassistant: Standup is at 9:30.\n");
    expect(one.stdout).toContain("standup at 9:30");

    upstream.reset();
    upstream.reply({ pieces: textStream(["Hi."]) });
    upstream.reply({ pieces: textStream(["You said hello."]) });
    const lines = await runProcess(process.execPath, [cli, "chat", "team", "--url", host.url], { input: "hello\nwhat did I say?\n", env: { ...process.env, AGENTWIRE_HOST_TOKEN: host.token }, timeoutMs: 60_000 });
    expect(lines.code, lines.stderr).toBe(0);
    expect(lines.stdout).toBe(`chatting with workspace team at ${host.url}; one message per line, Ctrl-D to end\nassistant: Hi.\nassistant: You said hello.\n`);
    const second = upstream.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(second.messages.map((m) => [m.role, m.content])).toEqual([
      ["system", "You answer questions about the team's notes."],
      ["user", "hello"],
      ["assistant", "Hi."],
      ["user", "what did I say?"],
    ]);

    const wrongToken = await runProcess(process.execPath, [cli, "chat", "team", "--message", "x", "--url", host.url, "--token", "nope"], { timeoutMs: 60_000 });
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toMatch(/^agentwire-host: the host answered 401: refused: the bearer token is not this host's/);
    const unknown = await runProcess(process.execPath, [cli, "chat", "nope", "--message", "x", "--url", host.url, "--token", host.token], { timeoutMs: 60_000 });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('agentwire-host: the host answered 404: no workspace "nope" (the host loaded team; list workspace files under agentplatform.workspaces)\n');
  });

  it("a local plugin killed with SIGKILL is restarted and registered again, and the next conversation works", async () => {
    const before = (await host.api<{ plugins: PluginView[] }>("GET", "/api/v1/workspaces/team")).body.plugins.find((p) => p.name === "files")!;
    // The pid leads the process group (the shell running the command): kill the group, the plugin with it.
    process.kill(-before.pid!, "SIGKILL");
    const after = await until("files restarted and registered", async () => {
      const p = (await host.api<{ plugins: PluginView[] }>("GET", "/api/v1/workspaces/team")).body.plugins.find((x) => x.name === "files")!;
      return p.state === "registered" && p.restarts === 1 ? p : undefined;
    });
    expect(after.pid).not.toBe(before.pid);
    expect(host.output.output()).toMatch(/plugin files it exited \(SIGKILL\); restarting it/);
    upstream.reset();
    upstream.reply({ pieces: sse([chunk(toolCallStart(0, "call_1", "list_files")), chunk(toolCallArgs(0, "{}")), chunk({}, "tool_calls")]) });
    upstream.reply({ pieces: textStream(["One file."]) });
    const events = await chat("What files are there?");
    expect(summary(events)).toEqual(["tool_call list_files", "tool_result list_files", "finish"]);
    expect(events.find((e) => e.type === "tool_result")!.result).toContain("notes.txt");
  });
});
