// The plugin over real sockets: served by serve in this process (remote mode, port 0), and as the
// built `dist/main.js` in its own process, remote (`npm start`) and local (a host's subprocess, found by its
// handshake line), where strace, when the machine has it, shows no file syscall touching anything outside
// the root. Build first: `npx tsup` here (or `npm test` at the root, which builds everything).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { captureOutput, stopProcessGroup, terminateProcess } from "@agentwire/test-support";
import { Capability, serve, Status, type PluginServer } from "@agentwire/agentplatform";
import { createPluginDriver, parseHandshake, type PluginDriver } from "@agentwire/agentplatform/testing";
import { createFilesPlugin } from "../src/index.js";
import { escapes, forbidden, makeTree, type Tree } from "./tree.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];
let tree: Tree;

beforeAll(() => {
  if (!existsSync(main)) throw new Error("examples/plugin-files/dist/main.js is missing: build it first (`npx tsup` in examples/plugin-files, or `npm test`)");
  tree = makeTree();
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

afterAll(() => tree.remove());

/** Registers, lists the tools, reads a file and tries one escape: what a platform's first minute looks like. */
async function exercise(baseUrl: string): Promise<PluginDriver> {
  const driver = createPluginDriver({ url: baseUrl });
  const registered = await driver.register({ config: { root: tree.root } });
  expect(registered).toMatchObject({ name: "files", capabilities: [Capability.TOOL_PROVIDER] });
  expect(await driver.health()).toBe(Status.SERVING);
  expect(await driver.manifest()).toContain('field "root"');
  expect((await driver.listTools()).map((t) => t.name)).toEqual(["list_files", "read_file", "search_files"]);
  expect(await driver.callTool("read_file", { path: "docs-link/guide.md" })).toMatchObject({
    isError: false,
    result: { path: "docs/guide.md", content: expect.stringContaining("# Guide") as unknown },
  });
  const escape = await driver.callTool<{ error: string }>("read_file", { path: "secret-link" });
  expect(escape.isError).toBe(true);
  for (const text of forbidden(tree)) expect(escape.resultJson).not.toContain(text);
  return driver;
}

/** Spawns dist/main.js (optionally under strace) in its own process group. */
function start(env: Record<string, string>, wrapper: string[] = []) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "info", ...env };
  if (env.PORT === undefined) delete childEnv.PORT;
  if (env.AGENTPLATFORM_PLUGIN === undefined) delete childEnv.AGENTPLATFORM_PLUGIN;
  const [command = process.execPath, ...args] = [...wrapper, process.execPath, main];
  const child = spawn(command, args, { env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  return { child, ...captureOutput(child) };
}

describe("served over a socket", () => {
  let server: PluginServer | undefined;
  afterAll(async () => server?.close());

  it("answers through serve (remote mode, port 0)", async () => {
    server = await serve({ plugin: createFilesPlugin(), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    expect(server.port).toBeGreaterThan(0);
    const driver = await exercise(server.url);
    for (const { tool, args, refusal } of escapes) {
      const out = await driver.callTool<{ error: string }>(tool, args);
      expect(out.isError).toBe(true);
      expect(out.result.error).toMatch(refusal);
    }
    expect(tree.trapSprung()).toBe(false);
  });
});

describe("dist/main.js", () => {
  it("serves remote on PORT, as npm start does, and stops on SIGTERM", async () => {
    const proc = start({ PORT: "0" });
    const port = await proc.waitFor("serving", () => /"msg":"serving plugin \\"files\\" 0\.1\.0 \(remote\) on [^"]*:(\d+)"/.exec(proc.stderr())?.[1]);
    await exercise(`http://127.0.0.1:${port}`);
    expect(proc.stdout()).toBe("");
    expect(await terminateProcess(proc.child)).toMatchObject({ code: 0 });
  });

  it("runs as a local plugin: one handshake line on stdout, calls answered, exit within 2 s of SIGTERM", async () => {
    const proc = start({ AGENTPLATFORM_PLUGIN: "local" });
    const line = await proc.waitFor("the handshake", () => (proc.stdout().includes("\n") ? proc.stdout().split("\n")[0] : undefined));
    expect(line).toMatch(/^1\|1\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
    await exercise(`http://${parseHandshake(line).address}`);
    const stopped = await terminateProcess(proc.child);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(2000);
    expect(proc.stdout()).toBe(`${line}\n`);
    // Its logs are JSON lines on stderr.
    expect(proc.stderr().split("\n").filter((l) => l.startsWith("{")).length).toBeGreaterThan(0);
  });
});

function straceWorks(): boolean {
  try {
    execFileSync("strace", ["-f", "-qq", "-e", "trace=openat", "-o", "/dev/null", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const hasStrace = straceWorks();
const straceSuite = "a local plugin under strace";

describe.skipIf(!hasStrace)(hasStrace ? straceSuite : `${straceSuite} (skipped: strace is missing or not permitted here)`, () => {
  it("makes no file syscall on a path outside the root, whatever escape it is sent", async () => {
    const traceDir = mkdtempSync(join(tmpdir(), "plugin-files-strace-"));
    const trace = join(traceDir, "trace");
    try {
      const proc = start({ AGENTPLATFORM_PLUGIN: "local" }, ["strace", "-f", "-qq", "-e", "trace=%file,%desc", "-s", "4096", "-o", trace]);
      const line = await proc.waitFor("the handshake", () => (proc.stdout().includes("\n") ? proc.stdout().split("\n")[0] : undefined));
      const driver = await exercise(`http://${parseHandshake(line).address}`);
      for (const { tool, args } of escapes) expect((await driver.callTool(tool, args)).isError).toBe(true);
      expect((await driver.callTool("search_files", { pattern: "SECRET" })).isError).toBe(false);
      await stopProcessGroup(proc.child, { graceMs: 1000 });

      const text = readFileSync(trace, "utf8");
      // The path a file syscall acts on is its first quoted argument (readlink's second is what it read: a
      // link's target, which may well name the outside; the link itself is inside the root).
      const fileCall = /^\d+\s+(?:open|openat|openat2|stat|lstat|newfstatat|statx|readlink|readlinkat|access|faccessat|faccessat2|truncate|chdir)\((?:AT_FDCWD, |\d+, )?"((?:[^"\\]|\\.)*)"/;
      const touched = text
        .split("\n")
        .map((l) => fileCall.exec(l)?.[1])
        .filter((p): p is string => p !== undefined);
      expect(touched.filter((p) => p.startsWith(`${tree.root}/`)).length).toBeGreaterThan(20);
      const outside = touched.filter((p) => p.startsWith(tree.outside) || p === "/etc/passwd" || p.startsWith(`${tree.root}/../`));
      expect(outside).toEqual([]);
      // %desc traces every read and directory listing with its data: the secret and the secret file's name
      // would be in the trace had anything outside been read or listed.
      expect(text).not.toContain(tree.secret);
      expect(text).not.toContain(tree.secretName);
    } finally {
      rmSync(traceDir, { recursive: true, force: true });
    }
  });
});
