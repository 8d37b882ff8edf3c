// `agentwire-host run flyte TASK_TYPE --endpoint HOST:PORT`: one task, run the way FlytePropeller runs it,
// through the FlyteDriver of @agentwire/flyte/testing (routing by ListAgents, then ExecuteTaskSync, or
// CreateTask → GetTask until terminal, DeleteTask on abort or timeout), printing each phase change.
import { readFileSync } from "node:fs";
import { Code, ConnectError } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AgentwireError, connectUrl, parseHostPort, stringifyJson } from "@agentwire/core";
import { defineTask, LiteralTypeError, parseTypes, toLiteralMap, type FlyteTypeName } from "@agentwire/flyte";
import { createFlyteDriver, type FlyteDriver, type PhaseEvent, type RunOptions, type TaskRun } from "@agentwire/flyte/testing";

/** What `run flyte` runs. */
export interface RunFlyteOptions {
  readonly taskType: string;
  /** `HOST:PORT` of the agent server. */
  readonly endpoint: string;
  /** TLS (and, with `caFile`, trusting that CA), as Propeller's `insecure: false`. */
  readonly tls?: boolean;
  readonly caFile?: string;
  /** The task type's version (`task_type_version`). Default 0. */
  readonly version?: number;
  readonly inputs?: Record<string, unknown>;
  /** The task template's `custom` struct. */
  readonly custom?: Record<string, unknown>;
  /** Flyte types by name for the inputs and outputs (`{ inputs: { x: integer } }`); inferred from the values without. */
  readonly interface?: { readonly inputs?: Record<string, FlyteTypeName>; readonly outputs?: Record<string, FlyteTypeName> };
  /** The task's timeout: past it, DeleteTask is sent and the task FAILS. */
  readonly timeoutMs?: number;
  /** Between two GetTask calls. Default 1000 (Propeller's resync period is 30 s). */
  readonly pollIntervalMs?: number;
  /** Aborting it sends DeleteTask and ends the task ABORTED (the CLI wires Ctrl-C to it). */
  readonly signal?: AbortSignal;
  /** Where the lines for a person go. */
  readonly print: (line: string) => void;
}

/** How the run ended: 0 SUCCEEDED, 1 any other terminal phase. (A run that could not start throws.) */
export interface RunFlyteResult {
  readonly exitCode: 0 | 1;
  readonly run: TaskRun;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function endpointUrl(option: string, endpoint: string, tls: boolean): string {
  const { host, port } = parseHostPort(endpoint, option);
  return connectUrl(tls ? "https" : "http", host, port);
}

function driverFor(options: RunFlyteOptions, onEvent: (event: PhaseEvent) => void): FlyteDriver {
  const url = endpointUrl("--endpoint", options.endpoint, options.tls === true || options.caFile !== undefined);
  const settings = { pollIntervalMs: options.pollIntervalMs ?? 1000, onEvent };
  if (options.caFile === undefined) return createFlyteDriver({ url, ...settings });
  let ca: string;
  try {
    ca = readFileSync(options.caFile, "utf8");
  } catch (err) {
    throw new AgentwireError("invalid_argument", `--ca ${options.caFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a PEM file of the CA that signed the server's certificate`);
  }
  return createFlyteDriver({ transport: createGrpcTransport({ baseUrl: url, nodeOptions: { ca } }), ...settings });
}

function describeEvent(event: PhaseEvent): string[] {
  const lines = [`  [${seconds(event.atMs)}] ${event.phase}${event.message ? `  ${event.message}` : ""}`];
  for (const link of event.logLinks ?? []) lines.push(`           log: ${link.name} ${link.uri}`);
  return lines;
}

/**
 * Runs one task as Propeller would and prints what happens. Throws an `AgentwireError` naming the reason when
 * it cannot run at all (a bad option, nothing answering at the endpoint, inputs that do not fit the
 * interface); otherwise resolves with the exit code the CLI uses.
 */
export async function runFlyte(options: RunFlyteOptions): Promise<RunFlyteResult> {
  const { print } = options;
  const inputTypes = parseTypesOption("inputs", options.interface?.inputs);
  const outputTypes = parseTypesOption("outputs", options.interface?.outputs);
  const task = defineTask({
    taskType: options.taskType,
    version: options.version ?? 0,
    ...(inputTypes === undefined ? {} : { inputs: inputTypes }),
    ...(outputTypes === undefined ? {} : { outputs: outputTypes }),
  });
  // Encoded once before anything is sent, so inputs that do not fit --interface are a usage error (exit 2)
  // naming the input, not a failed task.
  try {
    if (inputTypes !== undefined) toLiteralMap(options.inputs ?? {}, inputTypes, { direction: "input" });
    else toLiteralMap(options.inputs ?? {});
  } catch (err) {
    if (err instanceof LiteralTypeError) {
      throw new AgentwireError("invalid_argument", `the inputs do not fit the task's interface: ${err.message}; fix --input/--inputs or --interface`);
    }
    throw err;
  }
  const driver = driverFor(options, (event) => describeEvent(event).forEach((line) => print(line)));

  let registry: Awaited<ReturnType<FlyteDriver["refreshAgents"]>>;
  try {
    registry = await driver.refreshAgents();
  } catch (err) {
    const error = ConnectError.from(err);
    throw new AgentwireError(
      "unavailable",
      `nothing answered ListAgents at ${options.endpoint} (${Code[error.code]}: ${error.rawMessage}); start the agent server, or check --endpoint${options.tls ? " and --tls/--ca" : ""}`,
    );
  }
  const versions = registry.get(task.taskType);
  const entry = versions?.get(task.version);
  if (entry === undefined) {
    const listed = [...registry.entries()].flatMap(([name, byVersion]) => [...byVersion.keys()].map((v) => `${name} v${v}`));
    print(
      `warning: ${task.taskType} v${task.version} is not listed by ListAgents at ${options.endpoint} (it lists ${listed.join(", ") || "nothing"}); ` +
        "Propeller would still send it to its default connector, as an async task",
    );
  }
  print(`${task.taskType} v${task.version} at ${options.endpoint}: ${entry?.isSync ? "sync (ExecuteTaskSync)" : "async (CreateTask, then GetTask every " + seconds(options.pollIntervalMs ?? 1000) + ")"}`);

  const run: TaskRun = await driver.run(task, options.inputs ?? {}, {
    // JSON-like values from a file or the command line; the Struct encoder refuses what is not JSON.
    ...(options.custom === undefined ? {} : { custom: options.custom as RunOptions["custom"] }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });

  if (run.error !== undefined) print(`  the agent answered ${Code[run.error.code]}: ${run.error.rawMessage}`);
  if (run.endedBy === "timeout") print(`  the task ran past --timeout: DeleteTask was sent, as Propeller does, and the task FAILED`);
  if (run.endedBy === "signal") print(`  interrupted: DeleteTask was sent, as Propeller does on abort`);
  if (run.phase === "SUCCEEDED") {
    print(`SUCCEEDED; outputs:`);
    print(stringifyJson(run.outputs ?? {}, 2) ?? "{}");
    return { exitCode: 0, run };
  }
  print(`${run.phase}${run.message ? `: ${run.message}` : ""}`);
  return { exitCode: 1, run };
}

function parseTypesOption(side: "inputs" | "outputs", names: Record<string, FlyteTypeName> | undefined) {
  try {
    return parseTypes(names);
  } catch (err) {
    throw new AgentwireError("invalid_argument", `--interface ${side}: ${(err as Error).message}`);
  }
}
