// The gRPC load generator of the network benches: grpcload (scripts/bench-kit/grpcload/main.go, on grpc-go),
// built with the machine's Go on first use and driven over stdin/stdout, one cell at a time. A Node client
// saturates its core before a fast server does (connect-node's client used 117% of a core in the issue-13
// runs), so the benches load with Go, check every answer as gRPC OK, and pin the load generator and each
// server to cores of their own when the machine has them (`taskset`).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { processCpuMs } from "./proc-stats.mjs";
import { pinnedCommand, track, waitExit, withTimeout } from "./servers.mjs";

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), "grpcload");

/** `go` on PATH, else the official installer's /usr/local/go/bin/go; undefined when neither. */
function findGo() {
  const candidates = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "go")), "/usr/local/go/bin/go"];
  return candidates.find((p) => existsSync(p));
}

/** Whether `taskset` (util-linux) can pin processes here. */
let tasksetOk;
function hasTaskset() {
  tasksetOk ??= spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  return tasksetOk;
}

/**
 * The core assignment of a run: the load generator on the last core, servers on the others (one core each
 * on a 2-core machine: core 0). Without `taskset` or with one core, nothing is pinned (and the report says so).
 * BENCH_PIN=0 turns pinning off.
 */
export function corePlan(env = process.env) {
  const n = cpus().length;
  if (env.BENCH_PIN === "0") return { pinned: false, why: "BENCH_PIN=0" };
  if (n < 2) return { pinned: false, why: `${n} core` };
  if (!hasTaskset()) return { pinned: false, why: "no taskset (util-linux)" };
  const last = n - 1;
  return { pinned: true, loadCpus: String(last), serverCpus: n === 2 ? "0" : `0-${last - 1}` };
}

/** Builds the load generator into `outDir` unless the binary there was built from the same source; returns its path. */
export function buildGrpcLoad(outDir, log = (line) => console.log(line)) {
  const binary = join(outDir, "grpcload");
  const sources = ["main.go", "go.mod", "go.sum"].map((f) => join(sourceDir, f));
  const stamp = join(outDir, "grpcload.stamp");
  const hash = createHash("sha256");
  for (const f of sources) hash.update(readFileSync(f));
  const want = hash.digest("hex");
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, "utf8") === want) return binary;
  const go = findGo();
  if (!go) throw new Error("the benches load servers with grpcload, a Go program, and there is no `go` on PATH or at /usr/local/go/bin/go: install Go 1.26 or newer");
  mkdirSync(outDir, { recursive: true });
  log(`bench: building the Go load generator (scripts/bench-kit/grpcload, grpc-go) with ${execFileSync(go, ["version"], { encoding: "utf8" }).trim()} — first run only`);
  const built = spawnSync(go, ["build", "-o", binary, "."], { cwd: sourceDir, encoding: "utf8", timeout: 600_000 });
  if (built.status !== 0) {
    throw new Error(`go build of scripts/bench-kit/grpcload failed (${built.status ?? built.signal}):\n${built.stderr}\nIt fetches google.golang.org/grpc from the Go module proxy on first use (GOPROXY).`);
  }
  writeFileSync(stamp, want);
  return binary;
}

/**
 * Starts grpcload (built into `outDir` if needed), on `cpus` when given. Returns `{ grpcGo, cell, stop }`:
 * `cell(spec, { serverPid, clockTicks })` runs one cell (see main.go for the fields) and resolves to its
 * figures, plus the server's CPU over the cell (`serverCpuMs`, `serverCpuUsPerCall`, `serverCpuUtil`) when
 * `serverPid` is given; the request goes in as `request` bytes (a Uint8Array) and the last answer comes back
 * as `sample` bytes.
 */
export async function startGrpcLoad({ outDir, cpus: loadCpus, log } = {}) {
  const binary = buildGrpcLoad(outDir, log);
  const [command, args] = pinnedCommand(binary, [], loadCpus);
  const child = track(spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] }));
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  let exited;
  lines.on("line", (line) => waiting.shift()?.resolve(line));
  child.once("exit", (code, signal) => {
    exited = `grpcload exited (${code ?? signal})`;
    for (const w of waiting.splice(0)) w.reject(new Error(exited));
  });
  const next = () =>
    new Promise((resolve, reject) => {
      if (exited) reject(new Error(exited));
      else waiting.push({ resolve, reject });
    });
  const hello = JSON.parse(await withTimeout(next(), 20_000, "grpcload ready"));
  let id = 0;
  return {
    grpcGo: hello.grpcGo,
    pid: child.pid,
    async cell(spec, { serverPid, clockTicks } = {}) {
      const request = { ...spec, id: ++id, request: Buffer.from(spec.request).toString("base64") };
      const answer = next();
      const cpu0 = serverPid === undefined ? undefined : processCpuMs(serverPid, clockTicks);
      child.stdin.write(JSON.stringify(request) + "\n");
      const r = JSON.parse(await withTimeout(answer, (spec.durationMs ?? 0) + (spec.timeoutMs ?? 10_000) + 60_000, `grpcload cell ${spec.method}`));
      const cpu1 = serverPid === undefined ? undefined : processCpuMs(serverPid, clockTicks);
      if (r.error) throw new Error(`grpcload: ${r.error}`);
      const serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
      return {
        ...r,
        sample: r.sample === undefined ? undefined : new Uint8Array(Buffer.from(r.sample, "base64")),
        serverCpuMs,
        serverCpuUsPerCall: serverCpuMs === undefined || r.calls === 0 ? undefined : (serverCpuMs * 1000) / r.calls,
        serverCpuUtil: serverCpuMs === undefined ? undefined : serverCpuMs / r.elapsedMs,
      };
    },
    async stop() {
      child.stdin.end();
      await waitExit(child, 5000);
    },
  };
}
