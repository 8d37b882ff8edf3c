// The files plugin called by the official Python gRPC stack, as a Python platform would: grpcio with stubs
// grpc_tools.protoc generated from the published .proto files, against the plugin served on a real port.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { pythonSkipReason, pythonSuiteName, requirePython } from "@agentwire/test-support";
import { serve, type PluginServer } from "@agentwire/agentplatform";
import { createFilesPlugin } from "../src/index.js";
import { protoRoot, runPython, toolsClientScript } from "./python.js";
import { forbidden, makeTree, type Tree } from "./tree.js";

interface Seen {
  capabilities: string[];
  tools: { name: string; description: string; parameters: { type: string; required?: string[] } }[];
  calls: ({ is_error: boolean; result: Record<string, unknown> } | { code: string; details: string })[];
}

const skipPython = pythonSkipReason() !== undefined;

describe.skipIf(skipPython)(pythonSuiteName("the files plugin called by grpcio"), () => {
  let stubs = "";
  let server: PluginServer | undefined;
  let tree: Tree;

  beforeAll(async () => {
    requirePython(import.meta.url);
    tree = makeTree();
    stubs = mkdtempSync(join(tmpdir(), "plugin-files-py-"));
    const files = readdirSync(join(protoRoot, "agentplatform/v1")).map((f) => `agentplatform/v1/${f}`);
    await runPython(["-m", "grpc_tools.protoc", `-I${protoRoot}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...files], { cwd: protoRoot });
    server = await serve({ plugin: createFilesPlugin(), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
  });

  afterAll(async () => {
    await server?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
    tree?.remove();
  });

  it("lists the tools and answers a read, refusals as is_error, and NOT_FOUND", async () => {
    const script = {
      config: { root: tree.root },
      calls: [
        { name: "read_file", arguments_json: JSON.stringify({ path: "docs/nested/ünïcødé.txt" }) },
        { name: "list_files", arguments_json: "" },
        { name: "search_files", arguments_json: JSON.stringify({ pattern: "TODO", path: "docs" }) },
        { name: "read_file", arguments_json: JSON.stringify({ path: "../outside/secret.txt" }) },
        { name: "read_file", arguments_json: JSON.stringify({ path: "secret-link" }) },
        { name: "read_file", arguments_json: "{}" },
        { name: "read_file", arguments_json: "not json" },
        { name: "delete_file", arguments_json: JSON.stringify({ path: "notes.txt" }) },
      ],
    };
    const output = await runPython([toolsClientScript, stubs, `127.0.0.1:${server!.port}`, JSON.stringify(script)]);
    const seen = JSON.parse(output) as Seen;
    expect(seen.capabilities).toEqual(["TOOL_PROVIDER"]);
    expect(seen.tools.map((t) => [t.name, t.parameters.type, t.parameters.required])).toEqual([
      ["list_files", "object", undefined],
      ["read_file", "object", ["path"]],
      ["search_files", "object", ["pattern"]],
    ]);
    const [read, list, search, dotdot, link, missing, notJson, unknown] = seen.calls;
    expect(read).toEqual({ is_error: false, result: { path: "docs/nested/ünïcødé.txt", size: 18, content: "héllo wörld ✓\n" } });
    expect(list).toMatchObject({ is_error: false, result: { path: "." } });
    expect(search).toMatchObject({ is_error: false, result: { matches: [{ path: "docs/nested/deep.txt", line: 2 }] } });
    expect(dotdot).toEqual({ is_error: true, result: { error: 'path "../outside/secret.txt" leads outside the root; paths are relative to the root and cannot leave it' } });
    expect(link).toMatchObject({ is_error: true, result: { error: expect.stringContaining('symbolic link "secret-link", which leads outside the root') as unknown } });
    expect(missing).toMatchObject({ is_error: true, result: { error: expect.stringMatching(/^invalid arguments for tool "read_file": path: required/) as unknown } });
    expect(notJson).toMatchObject({ is_error: true, result: { error: expect.stringContaining("arguments_json is not valid JSON") as unknown } });
    expect(unknown).toEqual({ code: "NOT_FOUND", details: 'plugin "files" has no tool "delete_file" (its tools: list_files, read_file, search_files)' });
    for (const text of forbidden(tree)) expect(output).not.toContain(text);
    expect(tree.trapSprung()).toBe(false);
  });
});
