// `npm run bench -w packages/flyte`: throughput, latency and idle memory of `serve` against a bare
// connect-node router (the baseline) and flytekit's connector server, in one run. A report, not a test:
// it exits 0 whether or not the targets are met and prints MISSED next to each one that is not.
//
// Knobs (environment):
//   BENCH_QUICK=1        a smoke run: one round, short cells (about 20 s instead of about 2.5 min)
//   BENCH_IN_PROCESS=0   skip the in-process (no network) handler-overhead measurement
//   BENCH_SERVERS=a,b    which servers, of sdk,bare,flytekit and raw (default sdk,bare,flytekit; raw is a
//                        reference point: gRPC answered on node:http2 without connect, see serve-raw.mjs)
//   BENCH_ROUNDS=n       rounds per cell (default 5, quick 1)
//   BENCH_CELL_MS=ms     measured time per cell (default 700, quick 250)
//   BENCH_CONCURRENCY=.. in-flight calls, comma-separated (default 1,8,32,64)
//   BENCH_RPCS=..        GetTask,CreateTask (default both)
//   BENCH_PROFILE=1      run the node servers under --cpu-prof and print where their time goes
//   BENCH_OUT=path       where the JSON results go (default bench/results.json)
//   LOG_LEVEL            passed to the serve process (default: serve's own default, info)
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(benchDir, "..");
const repoDir = resolve(pkgDir, "../..");
const outDir = join(benchDir, ".bench-out");
const profileDir = join(outDir, "profiles");

const env = process.env;
const QUICK = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
const config = {
  quick: QUICK,
  rounds: Number(env.BENCH_ROUNDS ?? (QUICK ? 1 : 5)),
  cellMs: Number(env.BENCH_CELL_MS ?? (QUICK ? 250 : 700)),
  cellWarmMs: QUICK ? 50 : 150,
  warmupMs: QUICK ? 300 : 1500,
  maxCallsPerCell: 200_000,
  idleMs: QUICK ? 1000 : 3000,
  concurrencies: (env.BENCH_CONCURRENCY ?? "1,8,32,64").split(",").map(Number),
  rpcs: (env.BENCH_RPCS ?? "GetTask,CreateTask").split(",").map((s) => s.trim()),
  servers: (env.BENCH_SERVERS ?? "sdk,bare,flytekit").split(",").map((s) => s.trim()),
  profile: env.BENCH_PROFILE === "1",
  inProcess: env.BENCH_IN_PROCESS !== "0",
  inProcessCalls: QUICK ? 300 : 2000,
  inProcessRounds: QUICK ? 1 : 5,
  inProcessConcurrency: 16,
};
const resultsPath = env.BENCH_OUT ? resolve(env.BENCH_OUT) : join(benchDir, "results.json");
const targets = { throughputVsBare: 0.9, p99VsBare: 1.2, throughputVsFlytekit: 5, idleRssMb: 80 };
const serverLabels = { sdk: "serve (SDK)", bare: "bare connect-node", flytekit: "flytekit", raw: "raw node:http2" };

// Nothing here may run unbounded: a hard stop well past the expected run time.
const HARD_STOP_MS = QUICK ? 120_000 : 420_000;
const hardStop = setTimeout(() => {
  console.error(`bench: still running after ${HARD_STOP_MS / 1000} s; stopping the servers and giving up`);
  killAll();
  process.exit(1);
}, HARD_STOP_MS);
hardStop.unref();

const children = new Set();
function killAll() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
process.on("exit", killAll);

/** What .bench-out/descriptors.mjs exports (bundled at startup; see main). */
const descriptorsEntry = `
export { AsyncAgentService } from "../src/gen/flyteidl/service/agent_pb.js";
export {
  CreateTaskRequestSchema,
  CreateTaskResponseSchema,
  GetTaskRequestSchema,
  GetTaskResponseSchema,
  State,
  TaskExecutionMetadataSchema,
} from "../src/gen/flyteidl/admin/agent_pb.js";
export { TaskExecution_Phase } from "../src/gen/flyteidl/core/execution_pb.js";
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clockTicks() {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

function memOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return { rssMb: NaN, hwmMb: NaN };
  }
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function track(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([new Promise((r) => child.once("exit", r)), sleep(ms)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
  }
}

/** Starts a node server script that prints `{"port":N}` on its first stdout line. */
async function startNodeServer(name, script, extraEnv = {}) {
  const log = openSync(join(outDir, `${name}.stderr.log`), "w");
  const args = config.profile
    ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", `${name}.cpuprofile`, script]
    : [script];
  const child = track(spawn(process.execPath, args, { cwd: benchDir, stdio: ["pipe", "pipe", log], env: { ...env, ...extraEnv } }));
  closeSync(log);
  const lines = createInterface({ input: child.stdout });
  const first = await withTimeout(
    new Promise((res, rej) => {
      lines.once("line", res);
      child.once("exit", (code) => rej(new Error(`${name} exited with ${code}; see ${join(outDir, `${name}.stderr.log`)}`)));
    }),
    20_000,
    `${name} listening`,
  );
  const { port } = JSON.parse(first);
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.stdin.end(); // the scripts close their server and exit when stdin ends
      await waitExit(child, 5000);
    },
  };
}

async function startFlytekit() {
  const pyflyte = join(repoDir, ".venv/bin/pyflyte");
  if (!existsSync(pyflyte)) throw new Error(`${pyflyte} not found; run \`bash scripts/setup-python.sh\` first`);
  const [port, promPort] = [await freePort(), await freePort()];
  const log = openSync(join(outDir, "flytekit.log"), "w");
  const child = track(
    spawn(
      pyflyte,
      ["serve", "connector", "--port", String(port), "--prometheus_port", String(promPort), "--modules", "flytekit_bench_agent"],
      { cwd: benchDir, stdio: ["ignore", log, log], env: { ...env, FLYTE_SDK_RICH_TRACEBACKS: "0" } },
    ),
  );
  closeSync(log);
  return {
    name: "flytekit",
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await waitExit(child, 5000);
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** Retries one CreateTask until the server answers (bounded); returns the resource_meta it gave. */
async function ready(server, client, requests, ms) {
  const deadline = performance.now() + ms;
  let last;
  while (performance.now() < deadline) {
    if (server.exited?.()) break;
    try {
      const res = await client.createTask(requests.create, { timeoutMs: 2000 });
      return res.resourceMeta;
    } catch (err) {
      last = err;
      await sleep(200);
    }
  }
  throw new Error(`${server.name} never answered CreateTask at ${server.url}: ${last?.message ?? "exited"}`);
}

/** Idle RSS of the example agents' server (`examples/flyte-agents/dist/main.js`), the issue's memory target. */
async function exampleIdleRss() {
  const main = join(repoDir, "examples/flyte-agents/dist/main.js");
  if (!existsSync(main)) return { skipped: `${main} not built (npm run build)` };
  const jobsDir = mkdtempSync(join(tmpdir(), "agentwire-bench-jobs-"));
  const child = track(
    spawn(process.execPath, [main], {
      cwd: repoDir,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...env, PORT: "0", BATCH_JOBS_DIR: jobsDir },
    }),
  );
  try {
    const lines = createInterface({ input: child.stderr });
    const line = await withTimeout(
      new Promise((res, rej) => {
        lines.on("line", (l) => l.includes('"msg":"serving') && res(l));
        child.once("exit", (code) => rej(new Error(`examples main.js exited with ${code}`)));
      }),
      20_000,
      "examples main.js serving",
    );
    const startup = memOf(child.pid);
    await sleep(config.idleMs);
    const idle = memOf(child.pid);
    return { agents: JSON.parse(line).agents?.map((a) => a.taskType), rssAtStartupMb: startup.rssMb, idleRssMb: idle.rssMb, hwmMb: idle.hwmMb };
  } finally {
    child.kill("SIGTERM");
    await waitExit(child, 5000);
    rmSync(jobsDir, { recursive: true, force: true });
  }
}

function fmt(n, digits = 0) {
  return n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
}

async function main() {
  const runStarted = performance.now();
  const distIndex = join(pkgDir, "dist/index.js");
  if (!existsSync(distIndex)) {
    console.error(`bench: ${distIndex} is missing; run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });
  if (config.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  // The bare server and the client need generated descriptors that the package does not export: bundle
  // them from src/gen with esbuild, dependencies left external so dist's @bufbuild/protobuf is shared.
  const esbuild = await import("esbuild");
  await esbuild.build({
    stdin: { contents: descriptorsEntry, resolveDir: benchDir, loader: "ts", sourcefile: "descriptors.ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    outfile: join(outDir, "descriptors.mjs"),
    logLevel: "warning",
  });
  const load = await import("./load.mjs");
  const ticks = clockTicks();

  const machine = {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model,
    memTotalGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgAtStart: loadavg(),
    date: new Date().toISOString(),
  };
  console.log(
    `agentwire flyte bench${QUICK ? " (BENCH_QUICK: smoke run, figures are rough)" : ""}\n` +
      `machine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memTotalGb.toFixed(1)} GiB, node ${machine.node}, load avg ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}\n` +
      `method: each server is a child process on 127.0.0.1; this process is the load generator (one connect-node gRPC client per server,\n` +
      `        one HTTP/2 connection, 10 s deadline per call). ${config.rounds} round(s); in each round every (rpc, concurrency) cell is run\n` +
      `        against every server back to back, in an order rotated each time; each cell: ${config.cellWarmMs} ms unmeasured, then ${config.cellMs} ms measured.\n` +
      `        Reported: the round with the best throughput per cell (its p50/p99 with it); all rounds are in the JSON.`,
  );

  // 1. Idle memory of the example agents' server, before anything else loads the machine.
  const example = await exampleIdleRss().catch((err) => ({ error: String(err.message ?? err) }));
  console.log(
    example.idleRssMb !== undefined
      ? `\nidle RSS, examples/flyte-agents/dist/main.js (${example.agents?.join(", ")}): ${fmt(example.idleRssMb, 1)} MB after ${config.idleMs} ms idle (${fmt(example.rssAtStartupMb, 1)} MB at startup)`
      : `\nidle RSS of the example agents: not measured (${example.skipped ?? example.error})`,
  );

  // 1b. The SDK's handler path against the bare routes, in this process, without a network (steadier).
  let inProcess;
  if (config.inProcess) {
    const { runInProcess } = await import("./in-process.mjs");
    inProcess = await runInProcess({
      rpcs: config.rpcs,
      calls: config.inProcessCalls,
      rounds: config.inProcessRounds,
      concurrency: config.inProcessConcurrency,
    });
    console.log(
      `\nin-process, no network (connect router transport, client included; ${config.inProcessCalls} calls x ${config.inProcessRounds} rounds, ` +
        `${config.inProcessConcurrency} in flight, best round): µs per call`,
    );
    for (const [rpc, variants] of Object.entries(inProcess)) {
      const bare = variants.bare?.usPerCall;
      console.log(
        `  ${rpc.padEnd(10)} ` +
          Object.entries(variants)
            .map(([name, v]) => `${name} ${fmt(v.usPerCall, 1)}${name === "bare" ? "" : ` (${fmt(v.usPerCall / bare, 2)}x)`}`)
            .join(" | "),
      );
    }
  }

  // 2. Start the servers under test.
  const servers = [];
  const skipped = {};
  const requests = { create: load.createTaskRequest() };
  for (const name of config.servers) {
    try {
      const server =
        name === "sdk"
          ? await startNodeServer("sdk", join(benchDir, "serve-sdk.mjs"))
          : name === "bare"
            ? await startNodeServer("bare", join(benchDir, "serve-bare.mjs"))
            : name === "raw"
              ? await startNodeServer("raw", join(benchDir, "serve-raw.mjs"))
              : name === "flytekit"
              ? await startFlytekit()
              : undefined;
      if (!server) throw new Error(`unknown server ${name} (sdk, bare, flytekit, raw)`);
      server.client = load.createBenchClient(server.url);
      servers.push(server);
    } catch (err) {
      skipped[name] = String(err.message ?? err);
      console.log(`${serverLabels[name] ?? name}: not measured: ${skipped[name]}`);
    }
  }
  const startupMs = {};
  for (const server of [...servers]) {
    const t = performance.now();
    try {
      server.resourceMeta = await ready(server, server.client, requests, server.name === "flytekit" ? 60_000 : 10_000);
      startupMs[server.name] = performance.now() - t;
      server.requests = { create: requests.create, get: load.getTaskRequest(server.resourceMeta) };
    } catch (err) {
      skipped[server.name] = String(err.message ?? err);
      console.log(`${serverLabels[server.name]}: not measured: ${skipped[server.name]}`);
      await server.stop();
      servers.splice(servers.indexOf(server), 1);
    }
  }
  await sleep(config.idleMs);
  const memory = {};
  for (const s of servers) memory[s.name] = { idle: memOf(s.pid) };

  // 3. Warm up every server on both RPCs (JIT, connection windows), unmeasured.
  for (const s of servers) {
    for (const rpc of config.rpcs) {
      await load.runCell(load.caller(s.client, rpc, s.requests), {
        concurrency: 32,
        durationMs: config.warmupMs / 2,
        maxCalls: config.maxCallsPerCell,
      });
    }
  }

  // 4. The measurements, interleaved.
  const cells = [];
  let turn = 0;
  for (let round = 0; round < config.rounds; round++) {
    for (const rpc of config.rpcs) {
      for (const concurrency of config.concurrencies) {
        const order = servers.map((_, i) => servers[(i + turn) % servers.length]);
        turn++;
        for (const s of order) {
          const call = load.caller(s.client, rpc, s.requests);
          await load.runCell(call, { concurrency, durationMs: config.cellWarmMs, maxCalls: config.maxCallsPerCell });
          const r = await load.runCell(call, {
            concurrency,
            durationMs: config.cellMs,
            maxCalls: config.maxCallsPerCell,
            serverPid: s.pid,
            clockTicks: ticks,
          });
          cells.push({ server: s.name, rpc, concurrency, round, ...r });
          if (r.errors > 0) console.log(`  ${s.name} ${rpc} c=${concurrency}: ${r.errors} errors, first: ${r.firstError}`);
        }
      }
    }
    process.stdout.write(`round ${round + 1}/${config.rounds} done (${((performance.now() - runStarted) / 1000).toFixed(0)} s)\n`);
  }
  for (const s of servers) memory[s.name].afterLoad = memOf(s.pid);
  for (const s of servers) await s.stop();

  // 5. Report.
  const best = {};
  for (const c of cells) {
    const key = `${c.server}|${c.rpc}|${c.concurrency}`;
    const all = (best[key] ??= { rounds: [] });
    all.rounds.push(c);
    if (!all.best || c.throughput > all.best.throughput) all.best = c;
  }
  const get = (server, rpc, c) => best[`${server}|${rpc}|${c}`]?.best;
  // Server CPU per call over every round of a cell (more ticks, so steadier than one round's).
  const cpuPerCall = (server, rpc, c) => {
    const rounds = best[`${server}|${rpc}|${c}`]?.rounds ?? [];
    const calls = rounds.reduce((a, r) => a + r.calls, 0);
    const cpu = rounds.reduce((a, r) => a + (r.serverCpuMs ?? NaN), 0);
    return calls ? (cpu * 1000) / calls : NaN;
  };
  for (const v of Object.values(best)) v.best.serverCpuUsPerCallAllRounds = cpuPerCall(v.best.server, v.best.rpc, v.best.concurrency);
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
  };
  const names = servers.map((s) => s.name);

  console.log("\nthroughput (calls/s) and latency (ms): best round of each cell; server CPU per call (µs): all rounds of the cell");
  const header = ["rpc", "conc", ...names.flatMap((n) => [`${n} calls/s`, "p50", "p99", "cpu/call"])];
  const rows = [];
  for (const rpc of config.rpcs) {
    for (const c of config.concurrencies) {
      rows.push([
        rpc,
        String(c),
        ...names.flatMap((n) => {
          const r = get(n, rpc, c);
          return r ? [fmt(r.throughput), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(cpuPerCall(n, rpc, c))] : ["-", "-", "-", "-"];
        }),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols) => cols.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));

  const ratios = [];
  const has = (n) => names.includes(n);
  if (has("sdk") && (has("bare") || has("flytekit"))) {
    console.log("\nratios (serve vs. baseline, best round of each cell; target in brackets):");
    for (const rpc of config.rpcs) {
      for (const c of config.concurrencies) {
        const s = get("sdk", rpc, c);
        const b = get("bare", rpc, c);
        const f = get("flytekit", rpc, c);
        const entry = { rpc, concurrency: c };
        const parts = [`${rpc.padEnd(10)} c=${String(c).padEnd(3)}`];
        if (s && b) {
          entry.throughputVsBare = s.throughput / b.throughput;
          entry.p99VsBare = s.p99Ms / b.p99Ms;
          entry.cpuPerCallVsBare = cpuPerCall("sdk", rpc, c) / cpuPerCall("bare", rpc, c);
          entry.medianThroughputVsBare =
            median(best[`sdk|${rpc}|${c}`].rounds.map((r) => r.throughput)) / median(best[`bare|${rpc}|${c}`].rounds.map((r) => r.throughput));
          parts.push(
            `thr ${fmt(entry.throughputVsBare, 2)}x bare [>=${targets.throughputVsBare}]${entry.throughputVsBare < targets.throughputVsBare ? " MISSED" : " ok"}`.padEnd(33),
            `p99 ${fmt(entry.p99VsBare, 2)}x bare [<=${targets.p99VsBare}]${entry.p99VsBare > targets.p99VsBare ? " MISSED" : " ok"}`.padEnd(33),
            `cpu/call ${fmt(entry.cpuPerCallVsBare, 2)}x bare`.padEnd(22),
          );
        }
        if (s && f) {
          entry.throughputVsFlytekit = s.throughput / f.throughput;
          entry.p99VsFlytekit = s.p99Ms / f.p99Ms;
          // How many times less server CPU a call costs than in flytekit (not capped by the load generator).
          entry.cpuEfficiencyVsFlytekit = cpuPerCall("flytekit", rpc, c) / cpuPerCall("sdk", rpc, c);
          parts.push(
            `thr ${fmt(entry.throughputVsFlytekit, 2)}x flytekit [>=${targets.throughputVsFlytekit}]${entry.throughputVsFlytekit < targets.throughputVsFlytekit ? " MISSED" : " ok"}`.padEnd(36),
            `cpu/call ${fmt(1 / entry.cpuEfficiencyVsFlytekit, 2)}x flytekit`,
          );
        }
        ratios.push(entry);
        console.log("  " + parts.join("  "));
      }
    }
  }

  const summary = {};
  const worst = (key, pick) => {
    const xs = ratios.map((r) => r[key]).filter((x) => x !== undefined && !Number.isNaN(x));
    return xs.length ? pick(...xs) : undefined;
  };
  const geomean = (key) => {
    const xs = ratios.map((r) => r[key]).filter((x) => x !== undefined && !Number.isNaN(x) && x > 0);
    return xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : undefined;
  };
  summary.throughputVsBare = { target: `>= ${targets.throughputVsBare}`, worst: worst("throughputVsBare", Math.min), geomean: geomean("throughputVsBare") };
  summary.throughputVsBare.met = summary.throughputVsBare.worst === undefined ? undefined : summary.throughputVsBare.worst >= targets.throughputVsBare;
  summary.p99VsBare = { target: `<= ${targets.p99VsBare}`, worst: worst("p99VsBare", Math.max), geomean: geomean("p99VsBare") };
  summary.p99VsBare.met = summary.p99VsBare.worst === undefined ? undefined : summary.p99VsBare.worst <= targets.p99VsBare;
  summary.throughputVsFlytekit = { target: `>= ${targets.throughputVsFlytekit}`, worst: worst("throughputVsFlytekit", Math.min), geomean: geomean("throughputVsFlytekit") };
  summary.throughputVsFlytekit.met =
    summary.throughputVsFlytekit.worst === undefined ? undefined : summary.throughputVsFlytekit.worst >= targets.throughputVsFlytekit;
  summary.idleRss = { target: `<= ${targets.idleRssMb} MB`, value: example.idleRssMb };
  summary.idleRss.met = example.idleRssMb === undefined ? undefined : example.idleRssMb <= targets.idleRssMb;

  const verdict = (s) => (s.met === undefined ? "NOT MEASURED" : s.met ? "met" : "MISSED");
  console.log("\ntargets (every cell must meet a ratio target; worst cell and geometric mean over cells shown):");
  console.log(`  throughput >= ${targets.throughputVsBare}x bare connect-node : worst ${fmt(summary.throughputVsBare.worst, 2)}x, geomean ${fmt(summary.throughputVsBare.geomean, 2)}x  ${verdict(summary.throughputVsBare)}`);
  console.log(`  p99 <= ${targets.p99VsBare}x bare connect-node        : worst ${fmt(summary.p99VsBare.worst, 2)}x, geomean ${fmt(summary.p99VsBare.geomean, 2)}x  ${verdict(summary.p99VsBare)}`);
  console.log(`  throughput >= ${targets.throughputVsFlytekit}x flytekit           : worst ${fmt(summary.throughputVsFlytekit.worst, 1)}x, geomean ${fmt(summary.throughputVsFlytekit.geomean, 1)}x  ${verdict(summary.throughputVsFlytekit)}`);
  console.log(`  idle RSS <= ${targets.idleRssMb} MB (example agents)     : ${fmt(example.idleRssMb, 1)} MB  ${verdict(summary.idleRss)}`);

  console.log("\nmemory of the servers under test (MB): idle after startup / after the load (VmRSS), peak (VmHWM)");
  for (const n of names) {
    const m = memory[n];
    console.log(`  ${serverLabels[n].padEnd(18)} ${fmt(m.idle.rssMb, 1).padStart(6)} / ${fmt(m.afterLoad?.rssMb, 1).padStart(6)}, peak ${fmt(m.afterLoad?.hwmMb, 1)}`);
  }
  const clientUtil = Math.max(...cells.map((c) => c.clientCpuUtil));
  const topThroughput = Math.max(...cells.map((c) => c.throughput));
  machine.loadavgAtEnd = loadavg();
  console.log(
    `\nnotes: the load generator used up to ${fmt(clientUtil * 100)}% of a core (best cell: ${fmt(topThroughput)} calls/s); client and server share\n` +
      `       ${machine.nproc} cores with whatever else runs (load avg at start ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${machine.loadavgAtEnd.map((l) => l.toFixed(2)).join(" ")}),\n` +
      `       so throughput ratios cannot exceed what the client sustains. Server CPU per call (/proc/<pid>/stat, ${ticks} Hz ticks)\n` +
      `       is the least noise-sensitive figure. Startup until the first CreateTask answered: ${names.map((n) => `${n} ${fmt(startupMs[n])} ms`).join(", ")}.`,
  );

  let profiles;
  if (config.profile) {
    const { summarise, printSummary } = await import("./profile-summary.mjs");
    profiles = {};
    for (const f of readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"))) {
      const s = summarise(join(profileDir, f), 25);
      profiles[f] = s;
      printSummary(join(profileDir, f), s);
    }
  }

  const results = {
    machine,
    config,
    targets,
    method:
      "servers are child processes on 127.0.0.1; the bench process is the load generator (connect-node gRPC client, one HTTP/2 connection per server, 10 s deadline per call); rounds interleave servers in rotated order per cell; per cell the best-throughput round is reported",
    exampleAgents: example,
    inProcess,
    startupMs,
    memory,
    skipped,
    best: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.best])),
    ratios,
    summary,
    cells,
    profiles,
    totalSeconds: (performance.now() - runStarted) / 1000,
  };
  writeFileSync(resultsPath, JSON.stringify(results, null, 2) + "\n");
  console.log(`\nresults: ${resultsPath} (run took ${results.totalSeconds.toFixed(0)} s)`);
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error("bench failed:", err);
    killAll();
    process.exit(1);
  });
