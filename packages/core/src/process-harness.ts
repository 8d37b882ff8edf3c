// Starting, awaiting and stopping server processes on loopback: what every test, conformance harness or
// host that spawns an agent server as a real subprocess needs. Pick a free port, spawn the server with
// `detached: true` (so it leads its own process group), wait until the port accepts connections, and stop
// the whole group afterwards, so that nothing the server started outlives the caller. Also: capturing what a
// child prints and waiting for a line of it, running a command to completion under a safety time limit, and
// finding the repository's Python venv for interop tests (`AGENTWIRE_SKIP_PYTHON=1` skips them).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { basename, dirname, join, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";

/**
 * A TCP port on `host` that nothing listens on right now, found by binding port 0 and releasing it. Another
 * process may take it before the caller binds it; on loopback, with the kernel handing out ephemeral ports
 * in turn, that is rare enough for tests and local hosts.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const [port] = await freePorts(1, host);
  if (port === undefined) throw new Error(`could not pick a free port on ${host}`);
  return port;
}

/**
 * `count` distinct free ports on `host`. All are held bound until every one is read (binding port 0 one
 * at a time after releasing the previous could hand out the same port twice), then released together.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error(`could not pick a free port on ${host}`);
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

export interface WaitForPortOptions {
  /** Where to connect. Default: `127.0.0.1`. */
  host?: string;
  /** The process expected to listen: if it exits first, waiting fails at once rather than at the limit. */
  child?: ChildProcess;
  /** A safety limit for a server that hangs while starting, not a timing assertion. Default: 30 000. */
  timeoutMs?: number;
  /** What the process printed so far, appended to the error so a failed start explains itself. */
  output?: () => string;
}

/** One TCP connect: true if something accepted it, false if it was refused or did not answer within a second. */
function tryConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(child: ChildProcess): string {
  return child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
}

/**
 * Resolves once `host:port` accepts a TCP connection. A server's "listening" log line can come before the
 * socket accepts (or never, if logging is off); a connect is the one sign that holds. Retries every 50 ms;
 * rejects if `child` exits first (naming its exit code or signal) or once `timeoutMs` passes, with
 * `output()` appended either way.
 */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { host = "127.0.0.1", child, timeoutMs = 30_000, output } = options;
  const tail = () => (output ? `:\n${output()}` : "");
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child !== undefined && hasExited(child)) {
      const name = child.spawnfile ? basename(child.spawnfile) : "the process";
      throw new Error(`${name} (pid ${child.pid}) exited with ${describeExit(child)} before listening on ${host}:${port}${tail()}`);
    }
    if (await tryConnect(port, host)) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms${tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface StopProcessGroupOptions {
  /** How long the group has to exit after SIGTERM before it gets SIGKILL. Default: 5000. */
  graceMs?: number;
}

/**
 * Stops `child` and the processes it started: SIGTERM to its process group, SIGKILL to the group if `child`
 * is still running after `graceMs`; resolves once `child` has exited. Signalling the group rather than the
 * child reaches what a server runs under it (a shell wrapper's server, worker processes), which would
 * otherwise outlive it. `child` must have been spawned with `detached: true` to lead a group of its own;
 * if it was not, it alone is signalled. Harmless when `child` is undefined, never started or already exited.
 * Members of the group that outlive `child` were sent the same signals but are not waited for.
 */
export async function stopProcessGroup(child: ChildProcess | undefined, options: StopProcessGroupOptions = {}): Promise<void> {
  const pid = child?.pid;
  if (child === undefined || pid === undefined || hasExited(child)) return;
  const { graceMs = 5000 } = options;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // No such group (not detached) or gone already: signal the child alone; kill() ignores a dead one.
      child.kill(name);
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

export interface TerminateOptions {
  /** The signal that asks the process to stop. Default: `SIGTERM`. */
  signal?: NodeJS.Signals;
  /** How long it has to exit before it gets SIGKILL (and the result says `killed`). Default: 2000. */
  graceMs?: number;
}

export interface TerminateResult {
  /** The exit code, null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, null when it exited by itself. */
  signal: NodeJS.Signals | null;
  /** True if it was still running after `graceMs` and had to be sent SIGKILL. */
  killed: boolean;
  /** From sending the signal to the exit. */
  ms: number;
}

/**
 * Sends `child` alone (not its group) SIGTERM, as a host stopping a plugin or a supervisor stopping a server
 * does, and resolves with how it exited and how long that took; SIGKILL after `graceMs` counts as `killed`.
 * For tests of graceful shutdown; to clean up a child and everything it started, use `stopProcessGroup`.
 */
export async function terminateProcess(child: ChildProcess, options: TerminateOptions = {}): Promise<TerminateResult> {
  const { signal = "SIGTERM", graceMs = 2000 } = options;
  const started = Date.now();
  if (child.pid === undefined || hasExited(child)) return { code: child.exitCode, signal: child.signalCode, killed: false, ms: 0 };
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("exit", (code, sig) => resolve([code, sig])));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, graceMs);
  child.kill(signal);
  try {
    const [code, sig] = await exited;
    return { code, signal: sig, killed, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitForOutputOptions {
  /** A safety limit, not a timing assertion. Default: 30 000. */
  timeoutMs?: number;
}

/** What a child printed so far, and waiting for something in it. */
export interface CapturedOutput {
  /** Everything written to stdout so far (UTF-8). */
  stdout(): string;
  /** Everything written to stderr so far (UTF-8). */
  stderr(): string;
  /** stdout and stderr interleaved as they arrived: a log for an error message. */
  output(): string;
  /**
   * Resolves with `found()`'s first result other than `undefined`, `null` or `false` (checked now and whenever
   * the child prints): a regex match, or `true` for a test. Rejects if the child exits first (once its output
   * is read) or `timeoutMs` passes, naming `what` and quoting its stderr.
   */
  waitFor<T>(what: string, found: () => T | undefined | null | false, options?: WaitForOutputOptions): Promise<T>;
  /** The first line on stdout, without its newline: a local plugin's handshake, a server's "ready" line. */
  firstLine(options?: WaitForOutputOptions): Promise<string>;
}

/**
 * Collects what `child` writes to its piped stdout and stderr from now on (spawn it with
 * `stdio: [..., "pipe", "pipe"]`; a stream that is not piped stays empty). Other listeners are unaffected.
 */
export function captureOutput(child: ChildProcess): CapturedOutput {
  let stdout = "";
  let stderr = "";
  let output = "";
  const waiters = new Set<() => void>();
  const listen = (stream: NodeJS.ReadableStream | null, append: (text: string) => void) => {
    if (stream === null) return;
    const decoder = new StringDecoder("utf8");
    stream.on("data", (chunk: Buffer | string) => {
      const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
      append(text);
      output += text;
      for (const check of [...waiters]) check();
    });
  };
  listen(child.stdout, (text) => (stdout += text));
  listen(child.stderr, (text) => (stderr += text));
  // "close" comes once the child exited and its output is read; a grandchild holding the pipes may delay it,
  // so a waiter gives up a second after "exit" at the latest.
  let ended = hasExited(child) && child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false;
  const end = () => {
    ended = true;
    for (const check of [...waiters]) check();
  };
  child.once("close", end);
  child.once("exit", () => setTimeout(end, 1000).unref());

  const waitFor = <T>(what: string, found: () => T | undefined | null | false, options: WaitForOutputOptions = {}): Promise<T> => {
    const { timeoutMs = 30_000 } = options;
    return new Promise<T>((resolve, reject) => {
      const settle = (finish: () => void) => {
        waiters.delete(check);
        clearTimeout(timer);
        finish();
      };
      const check = () => {
        const value = found();
        if (value !== undefined && value !== null && value !== false) settle(() => resolve(value));
        else if (ended) settle(() => reject(new Error(`exited (${describeExit(child)}) before ${what}; stderr:\n${stderr}`)));
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`${what} not seen after ${timeoutMs} ms; stderr:\n${stderr}`))), timeoutMs);
      waiters.add(check);
      check();
    });
  };
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    waitFor,
    firstLine: (options) => waitFor("a line on stdout", () => (stdout.includes("\n") ? stdout.slice(0, stdout.indexOf("\n")) : undefined), options),
  };
}

export interface RunProcessOptions {
  cwd?: string;
  /** The environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. Without it stdin is `/dev/null`. */
  input?: string;
  /** A safety limit for a command that hangs, not a timing assertion: its process group is stopped then. Default: 60 000. */
  timeoutMs?: number;
  /** Called with the child once it is spawned, e.g. to stop it from an `afterAll` should the test end first. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ProcessResult {
  /** The exit code, null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, null when it exited by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True if it ran past `timeoutMs` and was stopped. */
  timedOut: boolean;
}

/**
 * Runs `command` to completion in its own process group and resolves with its exit code and output, whatever
 * the code; rejects only if it could not be started. Past `timeoutMs` the whole group is stopped
 * (`stopProcessGroup`) and the result says `timedOut`.
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  const { cwd, env, input, timeoutMs = 60_000, onSpawn } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    onSpawn?.(child);
    const output = captureOutput(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopProcessGroup(child);
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: output.stdout(), stderr: output.stderr(), timedOut });
    });
    // A command that exits without reading its input closes the pipe: EPIPE here is not the command failing.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
}

/** Like `runProcess`, but resolves with stdout only if the command exits 0; otherwise rejects quoting its stderr. */
export async function processOutput(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<string> {
  const result = await runProcess(command, args, options);
  if (result.code === 0) return result.stdout;
  const how = result.timedOut
    ? `was stopped after ${options.timeoutMs ?? 60_000} ms`
    : `exited with ${result.code !== null ? `code ${result.code}` : `signal ${result.signal}`}`;
  throw new Error(`${basename(command)} ${args.join(" ")} ${how}:\n${result.stderr}`);
}

/** Set to `1`, it skips the Python interop tests (the reason goes in the suite's name); unset, a missing venv fails them. */
export const SKIP_PYTHON_ENV = "AGENTWIRE_SKIP_PYTHON";

const setupHint = `run \`bash scripts/setup-python.sh\` to create it (or set ${SKIP_PYTHON_ENV}=1 to skip the Python interop tests)`;

function startDir(from: string | URL): string {
  return typeof from === "string" && !from.startsWith("file:") ? resolve(from) : fileURLToPath(from);
}

/**
 * The repository venv's `.venv/bin/<name>` (`python` by default; `pyflyte`, `pip`, ... too) in `from` or the
 * nearest folder above it that has one, or undefined if none does. `from` may be a folder or a file, as a
 * path or a `file:` URL (a test's `import.meta.url`).
 */
export function pythonInterpreter(from: string | URL = process.cwd(), name = "python"): string | undefined {
  for (let dir = startDir(from); ; dir = dirname(dir)) {
    const candidate = join(dir, ".venv", "bin", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `pythonInterpreter(from, name)`, or an error saying how to create the venv: a missing interpreter must fail
 * a test, not pass as a skip (skipping is `AGENTWIRE_SKIP_PYTHON=1`'s job; see `pythonSkipReason`).
 */
export function requirePython(from: string | URL = process.cwd(), name = "python"): string {
  const found = pythonInterpreter(from, name);
  if (found === undefined) throw new Error(`no .venv/bin/${name} in ${startDir(from)} or a folder above it: ${setupHint}`);
  return found;
}

/** Why the Python interop tests are skipped (`AGENTWIRE_SKIP_PYTHON=1`), or undefined if they run. */
export function pythonSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SKIP_PYTHON_ENV] === "1" ? `${SKIP_PYTHON_ENV}=1` : undefined;
}

/** A Python suite's name, with the reason appended when it is skipped, so a skipped suite says why. */
export function pythonSuiteName(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const reason = pythonSkipReason(env);
  return reason === undefined ? name : `${name} (skipped: ${reason})`;
}

/** `env` for a Python child: output unbuffered (a log is current when read), no `__pycache__` written into the tree. */
export function pythonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" };
}
