// What a spawned child prints, kept as it arrives, and waiting for something in it: a local plugin's
// handshake line, a server's "serving on" log line. Tests spawn their children themselves (they need the
// ChildProcess to signal it), so this attaches to a child rather than running one.
import type { ChildProcess } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { describeExit, hasExited, tail } from "./child-state.js";

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
   * is read) or `timeoutMs` passes, naming `what` and quoting the tail of its stderr.
   */
  waitFor<T>(what: string, found: () => T | undefined | null | false, options?: WaitForOutputOptions): Promise<T>;
  /** The first line on stdout, without its newline: a local plugin's handshake, a server's "ready" line. */
  firstLine(options?: WaitForOutputOptions): Promise<string>;
}

/**
 * Collects what `child` writes to its piped stdout and stderr from now on (spawn it with
 * `stdio: [..., "pipe", "pipe"]`; a stream that is not piped stays empty). Other listeners are unaffected.
 *
 * ```ts
 * const plugin = spawn(process.execPath, ["dist/main.js"], { env: { ...process.env, AGENTPLATFORM_PLUGIN: "local" } });
 * const { firstLine, stderr } = captureOutput(plugin);
 * expect(await firstLine()).toMatch(/^1\|1\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
 * ```
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
        else if (ended) settle(() => reject(new Error(`exited (${describeExit(child)}) before ${what}; stderr:\n${tail(stderr)}`)));
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`${what} not seen after ${timeoutMs} ms; stderr:\n${tail(stderr)}`))), timeoutMs);
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
