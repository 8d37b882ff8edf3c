// flytekit's own connector server, `pyflyte serve connector`, serving the Python connectors of
// packages/flyte/test/interop/flytekit_agent.py (py_sleep async, py_echo sync): the official peer that the
// FlyteDriver, the conformance harness and the host are tested against. Needs the Python venv.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts, waitForPort } from "./ports.js";
import { stopProcessGroup } from "./process-group.js";
import { pythonEnv, requirePython } from "./python.js";

/** Where flytekit_agent.py is: the module `--modules flytekit_agent` imports. */
const agentModuleDir = fileURLToPath(new URL("../../flyte/test/interop/", import.meta.url));

export interface FlytekitConnector {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The folder the connectors keep their state in (AGENTWIRE_INTEROP_STATE_DIR). */
  readonly stateDir: string;
  readonly child: ChildProcess;
  /** What the server printed so far. */
  log(): string;
  /** Stops the server's process group and removes the state folder. */
  stop(): Promise<void>;
}

/** Starts `pyflyte serve connector` on a free loopback port and resolves once it listens. */
export async function startFlytekitConnector(): Promise<FlytekitConnector> {
  const pyflyte = requirePython(agentModuleDir, "pyflyte");
  const stateDir = mkdtempSync(join(tmpdir(), "agentwire-flytekit-"));
  const [port, prometheusPort] = (await freePorts(2)) as [number, number];
  // `serve connector` is the 1.16 name; `serve agent` is the deprecated alias with the same server.
  const child = spawn(pyflyte, ["serve", "connector", "--port", String(port), "--prometheus_port", String(prometheusPort), "--modules", "flytekit_agent"], {
    cwd: stateDir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...pythonEnv(), PYTHONPATH: [agentModuleDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter), AGENTWIRE_INTEROP_STATE_DIR: stateDir },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopProcessGroup(child);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, { child, timeoutMs: 110_000, output: () => output });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, endpoint: `127.0.0.1:${port}`, stateDir, child, log: () => output, stop };
}
