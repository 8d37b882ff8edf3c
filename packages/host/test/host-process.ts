// `agentwire-host serve` as a person runs it: the built CLI (dist/cli.js) as a detached process with a
// configuration file, its API called over HTTP with the token it printed. Shared by the serve tests.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, stopProcessGroup, type CapturedOutput } from "@agentwire/test-support";

export const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
export const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));

/** What most API answers carry: an id, or a refusal naming the field or the check that failed. */
export interface ApiReply {
  id: string;
  messageId: number;
  error: string;
  field?: string;
  check?: string;
}

/** The YAML block of a connector deployment `id` that is examples/flyte-agents, started by the host on `port`. */
export function flyteExamplesConnector(id: string, port: number, jobsDir: string, indent = "    "): string {
  return [
    `${id}:`,
    `  endpoint: 127.0.0.1:${port}`,
    "  command: node dist/main.js",
    `  cwd: ${join(examples, "flyte-agents")}`,
    `  env: { PORT: "${port}", BATCH_JOBS_DIR: "${jobsDir}", LOG_LEVEL: warn }`,
  ]
    .map((line) => indent + line)
    .join("\n");
}

/** The YAML list item of one agent of examples/activeworkflow-agents (`path`: /digest or /http-status), started by the host on `port`. */
export function awExamplesAgent(port: number, path: string): string {
  return `    - { url: "http://127.0.0.1:${port}${path}", command: node dist/main.js, cwd: ${join(examples, "activeworkflow-agents")}, env: { PORT: "${port}", LOG_LEVEL: warn } }`;
}

/** Whether a process is alive (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface HostProcess {
  readonly child: ChildProcess;
  readonly output: CapturedOutput;
  readonly url: string;
  readonly token: string;
  /** Calls the API with the token; the body is JSON, typed as the caller says it is. */
  api<T = ApiReply>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** SIGTERM, and waits for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the host alone (not to the agents it started): a crash. */
  kill(): Promise<void>;
}

/** Writes `config` to `dir/agentwire-host.yaml` and starts `serve` on it; resolves once it prints its API. */
export async function startHostProcess(dir: string, config: string, env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
  const file = join(dir, "agentwire-host.yaml");
  writeFileSync(file, config);
  const child = spawn(process.execPath, [cli, "serve", "--config", file], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const output = captureOutput(child);
  await output.waitFor("the Ready line", () => /^Ready\. /m.test(output.output()), { timeoutMs: 90_000 });
  const [, url, token] = /API: +(http:\/\/\S+)\/api +\(Authorization: Bearer (\S+)\)/.exec(output.output())!;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output,
    url: url!,
    token: token!,
    async api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Waits until `check` returns something truthy (re-asking every 100 ms), failing after `timeoutMs` with `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child)));
}
