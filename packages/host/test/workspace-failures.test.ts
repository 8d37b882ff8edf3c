// What goes wrong in a workspace, and what a person is told: workspace files refused by line and attribute,
// a plugin whose name does not match its block, a config its schema refuses, a plugin that crashes in the
// middle of a tool call (named, with its exit and its last lines, then restarted), a hook that hangs or
// fails (deny or fail open), handoff to another agent, and the bound on turns. The host runs in this
// process; the plugins are real local processes (test/fixtures/ap-plugins.mjs) started through the handshake.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "@agentwire/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHostConfig, startHost, type RunningHost } from "../src/index.js";
import type { ConversationEvent } from "../src/agentplatform/loop.js";
import { parseWorkspace } from "../src/agentplatform/workspace.js";
import { cli, until } from "./host-process.js";

const fixture = fileURLToPath(new URL("./fixtures/ap-plugins.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "agentwire-host-ws-failures-"));
const local = (name: string, extra = "") => `FIXTURE=${name} ${extra} node ${fixture}`;

async function refusal(text: string): Promise<string> {
  try {
    await parseWorkspace(text, { file: join(dir, "ws.hcl") });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("workspace files", () => {
  it.each([
    ["bad syntax", 'workspace "w" {\n  plugin "a" {\n    source =\n  }\n}\n', /^ws\.hcl:3: not valid HCL: Invalid expression/],
    ["no source", 'workspace "w" {\n  plugin "a" {\n    version = "1.0.0"\n  }\n}\n', /^ws\.hcl:2: plugin "a"\.source: required: "remote:\/\/HOST:PORT" for a remote plugin, or the command that starts a local one/],
    ["an unknown attribute", 'workspace "w" {\n  plugin "a" {\n    source = "x"\n    sauce = "y"\n  }\n}\n', /^ws\.hcl:4: plugin "a"\.sauce: not a known attribute; expected source, version, config or cwd$/],
    ["a remote address that is not HOST:PORT", 'workspace "w" {\n  plugin "a" {\n    source = "remote://localhost"\n  }\n}\n', /^ws\.hcl:3: plugin "a"\.source: expected remote:\/\/HOST:PORT/],
    ["an agent whose LLM is no plugin", 'workspace "w" {\n  plugin "a" {\n    source = "x"\n  }\n  agent "b" {\n    llm = "gpt"\n    model = "m"\n  }\n}\n', /^ws\.hcl:6: agent "b"\.llm: no plugin "gpt" in this workspace \(it has a\)$/],
    ["a handoff to no agent", 'workspace "w" {\n  plugin "a" {\n    source = "x"\n  }\n  agent "b" {\n    llm = "a"\n    model = "m"\n    handoffs = ["c"]\n  }\n}\n', /^ws\.hcl:8: agent "b"\.handoffs: no agent "c" in this workspace \(it has b\)$/],
    ["a call timeout that is not a duration", 'workspace "w" {\n  loop {\n    call_timeout = "soon"\n  }\n}\n', /^ws\.hcl:3: loop\.call_timeout: expected a duration such as "30s" or "2m"$/],
    ["two workspaces", 'workspace "a" {\n}\nworkspace "b" {\n}\n', /expected exactly one workspace "ID" \{ … \} block, found 2/],
  ])("%s is refused with its line and attribute", async (_name, text, expected) => {
    expect(await refusal(text)).toMatch(expected);
  });

  it("serve with a workspace file it cannot use exits 2 naming the file's line and where the configuration names it", async () => {
    writeFileSync(join(dir, "broken.hcl"), 'workspace "w" {\n  plugin "a" {\n    sauce = "x"\n  }\n}\n');
    writeFileSync(join(dir, "broken.yaml"), "state: \":memory:\"\nagentplatform:\n  workspaces: [broken.hcl]\n");
    const result = await runProcess(process.execPath, [cli, "serve", "--config", join(dir, "broken.yaml"), "--port", "0"], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('broken.hcl:3: plugin "a".sauce: not a known attribute');
    expect(result.stderr).toContain("(the workspace named at broken.yaml:3)");
  });
});

describe("a workspace whose plugins misbehave", () => {
  let host: RunningHost;
  let regions: Server | undefined;
  const requests = join(dir, "requests.jsonl");
  const lines: string[] = [];

  /** One conversation, in-process: every event. */
  async function converse(workspace: string, input: string, agent?: string): Promise<ConversationEvent[]> {
    const events: ConversationEvent[] = [];
    const loaded = host.agentplatform.get(workspace);
    await host.agentplatform.converse(loaded, { input, ...(agent ? { agent } : {}) }, "test", (e) => events.push(e));
    return events;
  }
  const brain = (script: unknown[]) => `SCRIPT='${JSON.stringify(script)}' REQUESTS_FILE=${requests}`;

  beforeAll(async () => {
    writeFileSync(
      join(dir, "crash.hcl"),
      `workspace "crash" {
  plugin "brain" {
    source = ${JSON.stringify(local("scripted-llm", brain([{ tool: "crash" }, { text: "It crashed." }, { tool: "echo", args: { n: 1 } }, { text: "Echoed." }])))}
  }
  plugin "crashy" {
    source = ${JSON.stringify(local("crashy"))}
  }
  agent "assistant" {
    llm   = "brain"
    model = "scripted"
  }
}
`,
    );
    writeFileSync(
      join(dir, "names.hcl"),
      `workspace "names" {
  plugin "notes" {
    source = ${JSON.stringify(local("misnamed"))}
  }
  plugin "crashy" {
    source = ${JSON.stringify(local("crashy"))}
    config {
      colour = "blue"
    }
  }
}
`,
    );
    const hooks = (id: string, policy: string, timeout: string) => `workspace "${id}" {
  plugin "brain" {
    source = ${JSON.stringify(local("scripted-llm", brain([{ tool: "echo", args: { x: 1 } }, { text: "Done." }])))}
  }
  plugin "crashy" {
    source = ${JSON.stringify(local("crashy"))}
  }
  plugin "stuck" {
    source = ${JSON.stringify(local("stuck-hook"))}
  }
  plugin "failing" {
    source = ${JSON.stringify(local("failing-hook"))}
  }
  agent "assistant" {
    llm   = "brain"
    model = "scripted"
  }
  loop {
    call_timeout           = "${timeout}"
    tool_call_hook_failure = "${policy}"
  }
}
`;
    writeFileSync(join(dir, "strict.hcl"), hooks("strict", "deny", "1s"));
    writeFileSync(join(dir, "lenient.hcl"), hooks("lenient", "allow", "1s"));
    writeFileSync(
      join(dir, "handoff.hcl"),
      `workspace "handoff" {
  plugin "brain" {
    source = ${JSON.stringify(local("scripted-llm", brain([{ tool: "transfer_to_reviewer", args: { context: "check the numbers" } }, { text: "Reviewed." }])))}
  }
  agent "assistant" {
    instructions = "You draft."
    llm          = "brain"
    model        = "scripted"
    handoffs     = ["reviewer"]
  }
  agent "reviewer" {
    instructions = "You review."
    llm          = "brain"
    model        = "scripted"
  }
}
`,
    );
    writeFileSync(
      join(dir, "loops.hcl"),
      `workspace "loops" {
  plugin "brain" {
    source = ${JSON.stringify(local("scripted-llm", brain([{ tool: "echo", args: {} }])))}
  }
  plugin "crashy" {
    source = ${JSON.stringify(local("crashy"))}
  }
  agent "assistant" {
    llm   = "brain"
    model = "scripted"
  }
  loop {
    max_turns = 3
  }
}
`,
    );
    regions = createServer((req, res) => {
      const q = new URL(req.url ?? "/", "http://x").searchParams.get("q") ?? "";
      if (q === "broken") return void res.writeHead(500).end("oops");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify([{ value: "us-east-1", label: "US East (N. Virginia)" }, { value: "eu-west-1", label: "EU (Ireland)" }].filter((r) => r.value.startsWith(q))));
    });
    await new Promise<void>((resolve) => regions!.listen(0, "127.0.0.1", resolve));
    writeFileSync(
      join(dir, "options.hcl"),
      `workspace "options" {
  plugin "regions" {
    source = ${JSON.stringify(local("options", `REGIONS_URL=http://127.0.0.1:${(regions.address() as { port: number }).port}/regions`))}
  }
}
`,
    );
    const config = parseHostConfig(`state: ":memory:"\nhttp: { port: 0 }\nagentplatform:\n  workspaces: [crash.hcl, names.hcl, strict.hcl, lenient.hcl, handoff.hcl, loops.hcl, options.hcl]\n  healthInterval: 1h\n`, { baseDir: dir });
    host = await startHost({ config, token: "t0ken-for-the-failure-tests", print: (line) => lines.push(line) });
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await new Promise((resolve) => regions?.close(resolve));
  });

  it("a field's options are proxied to its api_source with the query; an api_source that fails is a 502 naming it", async () => {
    const get = async (q: string) => {
      const r = await fetch(`${host.url}/api/v1/workspaces/options/settings/regions/options/region?q=${q}`, { headers: { authorization: `Bearer ${host.token}` } });
      return { status: r.status, body: (await r.json()) as unknown };
    };
    expect(await get("us")).toEqual({ status: 200, body: [{ value: "us-east-1", label: "US East (N. Virginia)" }] });
    expect(await get("")).toMatchObject({ status: 200, body: [{ value: "us-east-1" }, { value: "eu-west-1" }] });
    const broken = await get("broken");
    expect(broken.status).toBe(502);
    expect((broken.body as { error: string }).error).toMatch(/^the api_source of regions\.region \(http:\/\/127\.0\.0\.1:\d+\/regions\) answered 500 without a JSON list; it must answer \[\{"value": \.\.\., "label": \.\.\.\}\]$/);
    const noSource = await fetch(`${host.url}/api/v1/workspaces/options/settings/regions/options/nope`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(noSource.status).toBe(404);
  });

  it("a plugin that registers under another name than its block is refused, naming both", () => {
    const notes = host.agentplatform.workspaceViews().find((w) => w.id === "names")!.plugins.find((p) => p.name === "notes")!;
    expect(notes.state).toBe("failed");
    expect(notes.error).toMatch(/the plugin block is "notes" \(names\.hcl:2\) but the plugin registered as "file-tools"; the names must match: rename the block or the plugin/);
    expect(lines.some((l) => l.includes('plugin notes (names.hcl:2): the plugin block is "notes"'))).toBe(true);
  });

  it("a config its schema refuses is named by field, and the plugin is not registered", () => {
    const crashy = host.agentplatform.workspaceViews().find((w) => w.id === "names")!.plugins.find((p) => p.name === "crashy")!;
    expect(crashy.state).toBe("failed");
    expect(crashy.error).toMatch(/^config does not fit its config_schema: colour: not a field of this plugin's config_schema/);
  });

  it("a plugin that dies in a tool call: the person is told which plugin, which call, how it ended and its last lines; the model is told; it is restarted and works again", async () => {
    const events = await converse("crash", "crash it");
    const error = events.find((e) => e.type === "error")!;
    expect(error.error_message).toMatch(/^plugin crashy did not answer ExecuteTool: it exited with code 1; its last lines:\n/);
    expect(error.error_message!.split("\n").at(-1)).toBe('  {"level":"fatal","msg":"disk on fire"}');
    expect(events.find((e) => e.type === "tool_result")).toMatchObject({ tool: "crash", is_error: true });
    expect(events.at(-1)).toMatchObject({ type: "finish", content: "It crashed." });
    await until("crashy registered again", async () => host.agentplatform.workspaceViews().find((w) => w.id === "crash")!.plugins.find((p) => p.name === "crashy")!.state === "registered" && true);
    const again = await converse("crash", "echo please");
    expect(again.find((e) => e.type === "tool_result")).toMatchObject({ tool: "echo", result: '{"n":1}', is_error: false });
    expect(again.at(-1)).toMatchObject({ type: "finish", content: "Echoed." });
  });

  it("a TOOL_CALL hook that does not answer: with tool_call_hook_failure = deny the call is not made and the model is told; a failing TURN_START hook is skipped with a warning", async () => {
    const events = await converse("strict", "go");
    const result = events.find((e) => e.type === "tool_result")!;
    expect(result.is_error).toBe(true);
    expect(result.result).toMatch(/^\{"error":"the call was cancelled by hook stuck: the hook failed \(plugin stuck did not answer OnEvent \(TOOL_CALL\): it did not answer in time/);
    expect(result.result).toMatch(/and loop\.tool_call_hook_failure is \\"deny\\""\}$/);
    const warnings = events.filter((e) => e.type === "error" && e.is_error === false).map((e) => e.error_message);
    expect(warnings[0]).toMatch(/^warning: plugin failing failed OnEvent \(TURN_START\): Internal: the failing hook fails; its last lines:\n[\s\S]*; continuing without it \(hooks fail open\)$/);
    expect(events.at(-1)).toMatchObject({ type: "finish", content: "Done." });
  });

  it("with tool_call_hook_failure = allow the call is made, with a warning", async () => {
    const events = await converse("lenient", "go");
    expect(events.find((e) => e.type === "tool_result")).toMatchObject({ tool: "echo", result: '{"x":1}', is_error: false });
    expect(events.some((e) => e.type === "error" && /warning: plugin stuck did not answer OnEvent \(TOOL_CALL\)/.test(e.error_message ?? ""))).toBe(true);
  });

  it("hands off to another agent: a handoff event, the next turn with the other agent's instructions", async () => {
    writeFileSync(requests, "");
    const events = await converse("handoff", "draft it");
    expect(events.filter((e) => e.type !== "content").map((e) => [e.type, e.agent, e.target ?? ""])).toEqual([
      ["handoff", "assistant", "reviewer"],
      ["finish", "reviewer", ""],
    ]);
    expect(events.find((e) => e.type === "handoff")!.content).toBe("check the numbers");
    const sent = readFileSync(requests, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Array<{ role: string; content: string }>);
    expect(sent.map((messages) => messages[0]!.content)).toEqual(["You draft.", "You review."]);
  });

  it("a model that never stops calling tools is stopped at loop.max_turns", async () => {
    const events = await converse("loops", "forever");
    expect(events.filter((e) => e.type === "tool_call")).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: "error", error_message: "stopped after 3 turns (loop.max_turns) without a final answer", is_error: true });
    expect(host.agentplatform.conversations("loops")[0]!.status).toBe("failed");
  });
});

describe("a local plugin that stops answering", () => {
  let host: RunningHost;
  const lines: string[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, "frozen.hcl"), `workspace "frozen" {\n  plugin "crashy" {\n    source = ${JSON.stringify(local("crashy"))}\n  }\n}\n`);
    const config = parseHostConfig(`state: ":memory:"\nhttp: { port: 0 }\nagentplatform:\n  workspaces: [frozen.hcl]\n  healthInterval: 200ms\n`, { baseDir: dir });
    host = await startHost({ config, token: "t0ken-for-the-frozen-test", print: (line) => lines.push(line) });
  }, 60_000);

  afterAll(async () => {
    await host?.close();
  });

  it("fails Health three times (SIGSTOP), is shown unhealthy, then restarted and registered again", async () => {
    const view = () => host.agentplatform.workspaceViews()[0]!.plugins[0]!;
    const before = view();
    expect(before.state).toBe("registered");
    // The pid is the group leader (the shell running the command): stop the whole group, the plugin with it.
    process.kill(-before.pid!, "SIGSTOP");
    await until("shown unhealthy", async () => view().state === "unhealthy" && true, 30_000);
    const after = await until("restarted and registered", async () => (view().state === "registered" && view().pid !== before.pid ? view() : undefined), 60_000);
    expect(after.restarts).toBe(1);
    expect(lines).toContain("agentplatform: plugin crashy stopped answering Health; restarting it");
  }, 90_000);
});
