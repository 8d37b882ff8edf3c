// The built CLI (dist/cli.js, `npm run build` first) as CI runs it: exit 2 said once with the reason, exit 0
// for a run where every selected MUST holds, --start's server started, waited for, shown and stopped.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@agentwire/test-support";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "conformance-cli-"));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The harness's own complaints, one per line prefixed `agentwire-conformance:`. */
const complaints = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("agentwire-conformance:"));

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("dist/cli.js is missing: run `npm run build -w packages/conformance` first");
});

describe("exit 2: the harness could not run, said once", () => {
  it("a missing required option names it", async () => {
    const r = await run(["flyte"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--endpoint");
  });

  it("a malformed --endpoint names the option and what was expected", async () => {
    const r = await run(["flyte", "--endpoint", "localhost"]);
    expect(r.code).toBe(2);
    expect(complaints(r.stderr)).toEqual(['agentwire-conformance: --endpoint: expected HOST:PORT (such as 127.0.0.1:8000), got "localhost"']);
  });

  it("a bad --timeout, --url, --header or agentplatform without a target", async () => {
    expect((await run(["flyte", "--endpoint", "localhost:1", "--timeout", "soon"])).stderr).toContain("--timeout: expected a positive number of seconds");
    expect((await run(["activeworkflow", "--url", "ftp://x"])).stderr).toContain("--url: expected an http:// or https:// URL");
    const header = await run(["activeworkflow", "--url", "http://127.0.0.1:1/", "--header", "nocolon"]);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('--header: expected "Name: value"');
    const ap = await run(["agentplatform"]);
    expect(ap.code).toBe(2);
    expect(ap.stderr).toContain("exactly one of --address HOST:PORT or --command");
  });

  it("an unreadable --ca names the option", async () => {
    const r = await run(["flyte", "--endpoint", "[::1]:1", "--ca", "absent.pem"]);
    expect(r.code).toBe(2);
    expect(complaints(r.stderr)).toEqual(["agentwire-conformance: --ca: cannot read absent.pem (ENOENT)"]);
  });

  it("nothing listening: once, with the address", async () => {
    const port = await freePort();
    const r = await run(["flyte", "--endpoint", `127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    const said = complaints(r.stderr).filter((l) => l.includes("nothing listening"));
    expect(said).toEqual([`agentwire-conformance: nothing listening at 127.0.0.1:${port} (ECONNREFUSED); start the server first, or give --start "CMD"`]);
    expect(r.stdout).toBe("");
  });

  it("a cases file with an error names its line and field", async () => {
    writeFileSync(join(dir, "cases.yaml"), "tasks:\n  - name: doubles\n    inputs: { x: 21 }\n");
    const r = await run(["flyte", "--endpoint", "127.0.0.1:1", "--cases", "cases.yaml"]);
    expect(r.code).toBe(2);
    expect(complaints(r.stderr)).toEqual(["agentwire-conformance: cases.yaml:2: tasks[0].taskType: required"]);
  });

  it("a missing cases file or known-failing file", async () => {
    const cases = await run(["flyte", "--endpoint", "127.0.0.1:1", "--cases", "absent.yaml"]);
    expect(cases.code).toBe(2);
    expect(complaints(cases.stderr)).toEqual(["agentwire-conformance: absent.yaml: no such cases file"]);
    const known = await run(["flyte", "--endpoint", "127.0.0.1:1", "--known-failing", "absent.txt"]);
    expect(known.code).toBe(2);
    expect(complaints(known.stderr)).toEqual(["agentwire-conformance: --known-failing: cannot read absent.txt (ENOENT)"]);
  });

  it("--start: a server that exits before listening, with its stderr", async () => {
    const port = await freePort();
    const r = await run(["flyte", "--endpoint", `127.0.0.1:${port}`, "--start", "echo 'cannot bind: config missing' >&2; exit 3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--start: the server exited with code 3 before accepting connections");
    expect(r.stderr).toMatch(/\[server\] \d\d:\d\d:\d\d\.\d{3} cannot bind: config missing/);
  });
});

describe("a run", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("no check selected: exit 0, says discovery only, writes JUnit and JSON", async () => {
    const r = await run(["activeworkflow", "--url", `http://127.0.0.1:${port}/agent`, "--only", "nothing.selected", "--junit", "r.xml", "--json", "r.json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no --cases file: running the discovery checks only");
    expect(r.stdout).toMatch(/^OK: 0 passed, 0 failed/m);
    expect(readFileSync(join(dir, "r.xml"), "utf8")).toContain("<testsuites");
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8"))).toMatchObject({ schemaVersion: 1, protocol: "activeworkflow", ok: true });
  });

  it("a cases file without this protocol's section says so; a known-failing file is read", async () => {
    writeFileSync(join(dir, "aw-only.yaml"), "calls:\n  - name: c\n    method: check\n");
    writeFileSync(join(dir, "known.txt"), "# baseline\nflyte.metadata.x  # tracked\n");
    const r = await run(["flyte", "--endpoint", `127.0.0.1:${port}`, "--cases", "aw-only.yaml", "--known-failing", "known.txt", "--only", "nothing.selected"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("aw-only.yaml has no flyte section (tasks): running the discovery checks only");
  });

  it("a report that cannot be written is exit 2 naming the option", async () => {
    const r = await run(["flyte", "--endpoint", `127.0.0.1:${port}`, "--only", "nothing.selected", "--junit", "no/such/dir/r.xml"]);
    expect(r.code).toBe(2);
    expect(complaints(r.stderr)).toContain("agentwire-conformance: --junit: cannot write no/such/dir/r.xml (ENOENT)");
  });

  it("--start: waits for the port, runs, stops the server", async () => {
    const startPort = await freePort();
    const pidFile = join(dir, "server.pid");
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); require('net').createServer(s => s.destroy()).listen(${startPort}, '127.0.0.1', () => console.error('listening'))`;
    const r = await run(["flyte", "--endpoint", `127.0.0.1:${startPort}`, "--only", "nothing.selected", "--start", `${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)}`]);
    expect(r.code).toBe(0);
    const pid = Number(readFileSync(pidFile, "utf8"));
    // The group got SIGTERM; a shell's child may take a moment to be reaped after the shell itself.
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive()) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive()).toBe(false);
  });
});
