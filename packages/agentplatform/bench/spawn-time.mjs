// Time from spawning a local plugin to its handshake line on stdout, and (for reference) to the first
// successful Register over the address the line gives, then from SIGTERM to exit. The variants alternate
// (rotated order each iteration) after one unmeasured warm-up iteration, so a slow moment of the shared
// machine hits all of them alike.
//   floor        node -e that prints a handshake-shaped line: node's own start-up, nothing loaded
//   bare         bare-local-plugin.mjs: connect-node + node:http2 + the Plugin descriptors, Register by hand
//   sdk minimal  minimal-plugin.mjs: a Plugin with no providers, serve(), AGENTPLATFORM_PLUGIN=local
//   plugin-files examples/plugin-files/dist/main.js (three zod tools), AGENTPLATFORM_PLUGIN=local,
//                registered with root = a temporary directory
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createBenchClients } from "./load.mjs";
import { memOf } from "../../../scripts/bench-kit/proc-stats.mjs";
import { withTimeout } from "../../../scripts/bench-kit/servers.mjs";
import { percentile, spread } from "../../../scripts/bench-kit/stats.mjs";

const handshakePattern = /^1\|1\|tcp\|(127\.0\.0\.1:\d+)\|grpc$/;

/** One spawn of `variant`: ms to the handshake line, to the first Register answered, and SIGTERM to exit. */
async function once(variant, { track, logPath }) {
  const log = openSync(logPath, "a");
  const t0 = performance.now();
  const child = track(
    spawn(process.execPath, variant.args, { cwd: variant.cwd, stdio: ["ignore", "pipe", log], env: { ...process.env, ...variant.env } }),
  );
  closeSync(log);
  const exited = new Promise((res) => child.once("exit", () => res(performance.now())));
  try {
    const lines = createInterface({ input: child.stdout });
    const line = await withTimeout(
      new Promise((res, rej) => {
        lines.once("line", res);
        // "close", not "exit": a process that prints its line and exits at once (the floor) may exit before
        // its stdout has been read; "close" comes after the last of it.
        child.once("close", (code) => rej(new Error(`${variant.name} exited with ${code} before its handshake; see ${logPath}`)));
      }),
      20_000,
      `${variant.name}'s handshake`,
    );
    const handshakeMs = performance.now() - t0;
    const m = handshakePattern.exec(line);
    if (!m) throw new Error(`${variant.name} wrote ${JSON.stringify(line)} instead of a handshake line`);
    let registerMs;
    let rss;
    if (variant.register) {
      const clients = createBenchClients(`http://${m[1]}`);
      const res = await clients.plugin.register(variant.register, { timeoutMs: 10_000 });
      registerMs = performance.now() - t0;
      if (!res.name) throw new Error(`${variant.name}: Register answered no name`);
      rss = memOf(child.pid).rssMb;
    }
    const termAt = performance.now();
    child.kill("SIGTERM");
    const exitAt = await withTimeout(exited, 5000, `${variant.name}'s exit after SIGTERM`);
    return { handshakeMs, registerMs, exitMs: variant.register ? exitAt - termAt : undefined, rssAfterRegisterMb: rss, exitCode: child.exitCode };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

export async function runSpawnTimes({ iterations, benchDir, repoDir, outDir, track, skip = () => undefined }) {
  const root = mkdtempSync(join(tmpdir(), "agentwire-bench-root-"));
  const local = { AGENTPLATFORM_PLUGIN: "local" };
  const candidates = [
    { name: "floor", label: "node -e (prints a line)", args: ["-e", 'process.stdout.write("1|1|tcp|127.0.0.1:1|grpc\\n")'], cwd: benchDir, env: {} },
    { name: "bare", label: "bare connect-node plugin", args: ["bare-local-plugin.mjs"], cwd: benchDir, env: {}, register: { config: {} } },
    { name: "sdk-minimal", label: "SDK, minimal plugin", args: ["minimal-plugin.mjs"], cwd: benchDir, env: local, register: { config: {} } },
    {
      name: "plugin-files",
      label: "examples/plugin-files",
      args: [join(repoDir, "examples/plugin-files/dist/main.js")],
      cwd: repoDir,
      env: local,
      register: { config: { root } },
      needs: join(repoDir, "examples/plugin-files/dist/main.js"),
    },
  ];
  const skipped = {};
  const variants = candidates.filter((v) => {
    const why = skip(v);
    if (why) skipped[v.name] = why;
    return !why;
  });
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  try {
    for (let i = -1; i < iterations; i++) {
      // i = -1: one unmeasured warm-up spawn of each (file cache, the first compile of each module)
      const order = variants.map((_, k) => variants[(k + Math.max(i, 0)) % variants.length]);
      for (const v of order) {
        const r = await once(v, { track, logPath: join(outDir, `spawn-${v.name}.stderr.log`) });
        if (i >= 0) samples[v.name].push(r);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const results = {};
  for (const v of variants) {
    const xs = samples[v.name];
    results[v.name] = {
      label: v.label,
      command: `node ${v.args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`,
      handshakeMs: spread(xs.map((x) => x.handshakeMs)),
      registerMs: spread(xs.map((x) => x.registerMs)),
      exitAfterSigtermMs: spread(xs.map((x) => x.exitMs)),
      rssAfterRegisterMb: spread(xs.map((x) => x.rssAfterRegisterMb)),
      samples: xs,
    };
  }
  return { results, skipped };
}

/** Spawns import-cost.mjs `iterations` times; the median of each step (ms). */
export async function runImportCost({ iterations, benchDir, track }) {
  const runs = [];
  for (let i = 0; i < iterations; i++) {
    const child = track(spawn(process.execPath, ["import-cost.mjs"], { cwd: benchDir, stdio: ["ignore", "pipe", "inherit"] }));
    const lines = createInterface({ input: child.stdout });
    const line = await withTimeout(
      new Promise((res, rej) => {
        lines.once("line", res);
        child.once("close", (code) => rej(new Error(`import-cost.mjs exited with ${code}`)));
      }),
      20_000,
      "import-cost.mjs",
    );
    await withTimeout(new Promise((res) => (child.exitCode !== null ? res() : child.once("exit", res))), 5000, "import-cost.mjs exit");
    runs.push(JSON.parse(line));
  }
  const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);
  const steps = {};
  for (const name of Object.keys(runs[0].steps)) steps[name] = median(runs.map((r) => r.steps[name]));
  return { iterations, sinceStartMs: median(runs.map((r) => r.sinceStartMs)), steps };
}
