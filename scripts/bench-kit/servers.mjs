// The bench's child processes: servers under test started, watched and stopped, every one of them killed
// when the bench exits or overruns, so nothing outlives a run.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** `[command, args]` run on `cpus` with taskset (which execs it: the pid stays the same), unchanged when `cpus` is unset. */
export function pinnedCommand(command, args, cpus) {
  return cpus === undefined ? [command, args] : ["taskset", ["-c", cpus, command, ...args]];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Children still running; `group`: started detached, so killed as a process group (workers too). */
const children = new Map();

/** Registers `child` to be killed when the bench exits; `group` for a detached child with workers. */
export function track(child, { group = false } = {}) {
  children.set(child, { group });
  child.once("exit", () => children.delete(child));
  return child;
}

const running = (child) => child.exitCode === null && child.signalCode === null;

function kill(child, signal, group) {
  if (group) {
    try {
      process.kill(-child.pid, signal); // its process group: gunicorn's workers too
      return;
    } catch {
      // no such group: the child alone
    }
  }
  child.kill(signal);
}

export function killAll() {
  for (const [child, { group }] of children) if (running(child)) kill(child, "SIGKILL", group);
}

/**
 * Kills every child when this process exits, and stops the whole run (exit 1) after `hardStopMs`:
 * nothing here may run unbounded.
 */
export function guardRun(hardStopMs) {
  process.on("exit", killAll);
  const hardStop = setTimeout(() => {
    console.error(`bench: still running after ${hardStopMs / 1000} s; stopping the servers and giving up`);
    killAll();
    process.exit(1);
  }, hardStopMs);
  hardStop.unref();
}

/** Runs the bench's `main`: exit 0 when it returns, 1 (servers killed) when it throws. */
export function runMain(main) {
  main()
    .then(() => process.exit(0))
    .catch((err) => {
      console.error("bench failed:", err);
      killAll();
      process.exit(1);
    });
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Waits up to `ms` for `child` to exit, then kills it (its group, if tracked as one) and waits for that. */
export async function waitExit(child, ms) {
  if (!running(child)) return;
  await Promise.race([new Promise((r) => child.once("exit", r)), sleep(ms)]);
  if (running(child)) {
    kill(child, "SIGKILL", children.get(child)?.group ?? false);
    await new Promise((r) => child.once("exit", r));
  }
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Starts a node server script that prints `{"port":N}` on its first stdout line and exits when its stdin
 * ends (see child.mjs). stderr goes to `<outDir>/<logName>.stderr.log`; with `profile`, the script runs
 * under `--cpu-prof` and writes `<profileDir>/<logName>.cpuprofile`. The URL is
 * `http://127.0.0.1:<port><urlPath>`. With `cpus` (a taskset list, "0"), it runs pinned to those cores.
 */
export async function startNodeServer(name, script, { cwd, outDir, env = process.env, profile = false, profileDir, logName = name, urlPath = "", cpus }) {
  const logPath = join(outDir, `${logName}.stderr.log`);
  const log = openSync(logPath, "w");
  const args = profile ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", `${logName}.cpuprofile`, script] : [script];
  const child = track(spawn(...pinnedCommand(process.execPath, args, cpus), { cwd, stdio: ["pipe", "pipe", log], env }));
  closeSync(log);
  const lines = createInterface({ input: child.stdout });
  const first = await withTimeout(
    new Promise((res, rej) => {
      lines.once("line", res);
      child.once("exit", (code) => rej(new Error(`${name} exited with ${code}; see ${logPath}`)));
    }),
    20_000,
    `${name} listening`,
  );
  const { port } = JSON.parse(first);
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}${urlPath}`,
    async stop() {
      child.stdin.end(); // the scripts close their server and exit when stdin ends
      await waitExit(child, 5000);
    },
    exited: () => !running(child),
  };
}

/**
 * Starts a server that is not a node script (flytekit, Flask, gunicorn) on a free port: `args(port)` are
 * its arguments, stdout and stderr go to `logPath`. `group`: start it detached and stop it (SIGTERM, then
 * SIGKILL after 5 s) as a process group, for servers with worker processes. The caller waits for it to
 * answer. With `cpus` (a taskset list), it runs pinned to those cores (its workers too).
 */
export async function startExternalServer(name, command, args, { cwd, env, logPath, group = false, urlPath = "", cpus }) {
  const port = await freePort();
  const log = openSync(logPath, "w");
  const child = track(spawn(...pinnedCommand(command, args(port), cpus), { cwd, stdio: ["ignore", log, log], env, ...(group ? { detached: true } : {}) }), { group });
  closeSync(log);
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}${urlPath}`,
    async stop() {
      kill(child, "SIGTERM", group);
      await waitExit(child, 5000);
    },
    exited: () => !running(child),
    logPath,
  };
}

/**
 * Starts each server of `names` with `start(name)`. One that cannot start is reported as not measured
 * (printed with its label and recorded in `skipped`) and the others still run. Returns the started ones.
 */
export async function startServers(names, start, { labels, skipped }) {
  const servers = [];
  for (const name of names) {
    try {
      servers.push(await start(name));
    } catch (err) {
      skipped[name] = String(err.message ?? err);
      console.log(`${labels[name] ?? name}: not measured: ${skipped[name]}`);
    }
  }
  return servers;
}

/**
 * Waits for each of `servers` (removed from the array on failure) with `ready(server)`, and returns the
 * ms each took, by name. One that never answers is stopped and reported as not measured.
 */
export async function awaitServers(servers, ready, { labels, skipped }) {
  const startupMs = {};
  for (const server of [...servers]) {
    const t = performance.now();
    try {
      await ready(server);
      startupMs[server.name] = performance.now() - t;
    } catch (err) {
      skipped[server.name] = String(err.message ?? err);
      console.log(`${labels[server.name]}: not measured: ${skipped[server.name]}`);
      await server.stop();
      servers.splice(servers.indexOf(server), 1);
    }
  }
  return startupMs;
}
