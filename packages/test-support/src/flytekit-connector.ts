// The official Python connector servers, serving the connectors of packages/flyte/test/interop/: flytekit's
// `pyflyte serve connector` (Flyte 1: flytekit_agent.py, py_sleep async and py_echo sync) and flyte-sdk's
// connector server (Flyte 2: flyte_sdk_connector.py, py2_job). The peers the drivers, the conformance harness
// and the host are tested against. Needs the Python venv.
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
export function startFlytekitConnector(): Promise<FlytekitConnector> {
  // `serve connector` is the 1.16 name; `serve agent` is the deprecated alias with the same server.
  return startPythonConnector("pyflyte", (port, prometheusPort) => ["serve", "connector", "--port", String(port), "--prometheus_port", String(prometheusPort), "--modules", "flytekit_agent"], "agentwire-flytekit-");
}

/**
 * Starts flyte-sdk's connector server (the PyPI `flyte` package, Flyte 2: `flyte.connectors.ConnectorService`,
 * the `c0` command) serving packages/flyte/test/interop/flyte_sdk_connector.py (`py2_job`) on a free loopback
 * port, and resolves once it listens. `env` is added to the server's environment (the secret it expects).
 */
export function startFlyteSdkConnector(env: Record<string, string> = {}): Promise<FlytekitConnector> {
  return startPythonConnector("c0", (port, prometheusPort) => ["--port", String(port), "--prometheus_port", String(prometheusPort), "--modules", "flyte_sdk_connector"], "agentwire-flyte-sdk-", env);
}

/** A Python connector server from the venv's `bin`, with the interop modules importable and a fresh state folder. */
async function startPythonConnector(bin: string, args: (port: number, prometheusPort: number) => string[], prefix: string, env: Record<string, string> = {}): Promise<FlytekitConnector> {
  const command = requirePython(agentModuleDir, bin);
  const stateDir = mkdtempSync(join(tmpdir(), prefix));
  const [port, prometheusPort] = (await freePorts(2)) as [number, number];
  const child = spawn(command, args(port, prometheusPort), {
    cwd: stateDir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...pythonEnv(), PYTHONPATH: [agentModuleDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter), AGENTWIRE_INTEROP_STATE_DIR: stateDir, ...env },
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
