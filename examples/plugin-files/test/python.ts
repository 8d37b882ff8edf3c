// What the Python interop test needs besides @agentwire/test-support's venv helpers: the contract and the SDK's
// grpcio client (grpcio and grpc_tools, in the venv `npm test` creates when missing). AGENTWIRE_SKIP_PYTHON=1 skips;
// a missing venv fails.
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { processOutput, pythonEnv, requirePython } from "@agentwire/test-support";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");

/** The published contract: `proto/` ships in @agentwire/agentplatform's package. */
export const protoRoot = join(dirname(createRequire(import.meta.url).resolve("@agentwire/agentplatform")), "../proto");

/** The SDK's grpcio ToolProvider client (its own interop tests use it too). */
export const toolsClientScript = join(repoRoot, "packages/agentplatform/test/interop/tools_client.py");

/** Runs the venv's Python; resolves with stdout, rejects with stderr. */
export function runPython(args: string[], options: { cwd?: string } = {}): Promise<string> {
  return processOutput(requirePython(here), args, { ...options, env: pythonEnv() });
}
