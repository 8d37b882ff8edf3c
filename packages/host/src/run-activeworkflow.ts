// `agentwire-host run activeworkflow --url URL (--receive PAYLOAD | --check)`: one call, made the way
// ActiveWorkflow makes it, through the ActiveWorkflowDriver of @agentwire/activeworkflow/testing: register
// as at boot, an instance with the options (the agent's default_options unless given), memory and
// credentials, then `receive` or `check`, and what ActiveWorkflow would apply, in its order.
import { AgentwireError, parseHttpUrl, stringifyJson, type JsonObject } from "@agentwire/core";
import { createActiveWorkflowDriver, type CallOutcome, type DriverWarning } from "@agentwire/activeworkflow/testing";

export interface RunActiveWorkflowOptions {
  readonly url: string;
  /** `receive` with this payload (wrapped in a message record as ActiveWorkflow sends it); `check` without. */
  readonly receive?: JsonObject;
  readonly options?: JsonObject;
  readonly memory?: JsonObject;
  readonly credentials?: ReadonlyArray<{ name: string; value: string }>;
  /** How long ActiveWorkflow waits for an answer. Default 60 000 (Net::HTTP's read timeout). */
  readonly timeoutMs?: number;
  readonly print: (line: string) => void;
}

export interface RunActiveWorkflowResult {
  /** 0: applied cleanly; 1: the agent reported errors, or ActiveWorkflow could not apply the answer. */
  readonly exitCode: 0 | 1;
  readonly outcome: CallOutcome;
}

const json = (value: unknown) => stringifyJson(value) ?? String(value);

function printWarnings(print: (line: string) => void, warnings: readonly DriverWarning[]): void {
  for (const w of warnings) print(`  ${w.fatal ? "FAILS" : "warning"} [${w.code}]${w.field ? ` ${w.field}` : ""}: ${w.message} (ActiveWorkflow: ${w.aw})`);
}

function checkUrl(url: string): void {
  parseHttpUrl(url, "--url");
}

/**
 * Makes one call as ActiveWorkflow would and prints what it would apply. Throws an `AgentwireError` when it
 * cannot run (a bad option, nothing answering `register` at the URL).
 */
export async function runActiveWorkflow(options: RunActiveWorkflowOptions): Promise<RunActiveWorkflowResult> {
  const { print } = options;
  checkUrl(options.url);
  const driver = createActiveWorkflowDriver({ url: options.url, callTimeoutMs: options.timeoutMs ?? 60_000 });

  const registered = await driver.register();
  if (registered.registration === undefined) {
    const why = registered.warnings.map((w) => w.message).join("; ");
    throw new AgentwireError("unavailable", `register at ${options.url} got no answer ActiveWorkflow could boot with: ${why}`);
  }
  const r = registered.registration;
  print(`register: ${json(r.name)} (display name ${json(r.display_name)}), default options ${json(r.default_options)}`);
  printWarnings(print, registered.warnings);

  const instance = await driver.createInstance({
    ...(options.options === undefined ? {} : { options: options.options }),
    ...(options.memory === undefined ? {} : { memory: options.memory }),
    ...(options.credentials === undefined ? {} : { credentials: [...options.credentials] }),
  });
  const method = options.receive === undefined ? "check" : "receive";
  print(`${method}: options ${json(instance.options)}, memory ${json(instance.memory)}${options.credentials?.length ? `, credentials ${options.credentials.map((c) => c.name).join(", ")}` : ""}`);
  const outcome = options.receive === undefined ? await driver.check(instance) : await driver.receive(instance, options.receive);

  // What ActiveWorkflow applies, in its order: errors, logs, memory, messages.
  for (const error of outcome.errors) print(`  error: ${error}`);
  for (const log of outcome.logs) print(`  log: ${log}`);
  print(`  memory${outcome.memoryReplaced ? " (replaced)" : " (unchanged)"}: ${json(outcome.memory)}`);
  for (const message of outcome.messages) print(`  message: ${json(message)}`);
  if (outcome.messages.length === 0) print(`  no message emitted`);
  printWarnings(print, outcome.warnings);

  const clean = !outcome.failed && outcome.warnings.length === 0 && outcome.errors.length === 0;
  print(
    clean
      ? `OK: ActiveWorkflow applies this answer as it is`
      : outcome.failed
        ? `FAILED: ActiveWorkflow's job would raise on this answer (and retry it)`
        : `FAILED: ${outcome.errors.length > 0 ? `the agent reported ${outcome.errors.length} error${outcome.errors.length === 1 ? "" : "s"}` : "ActiveWorkflow would warn about this answer"}`,
  );
  return { exitCode: clean ? 0 : 1, outcome };
}
