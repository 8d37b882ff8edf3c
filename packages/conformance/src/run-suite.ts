import type { CheckDefinition, CheckRecorder, CheckResult, WireExchange } from "./check.js";
import type { Suite, SuiteContext } from "./suite.js";

class CheckEnded extends Error {
  constructor(
    readonly outcome: "failed" | "skipped",
    message: string,
    readonly needed?: string,
  ) {
    super(message);
  }
}

export interface RunSuiteOptions<Target, Cases> {
  target: Target;
  cases?: Cases;
  /** Per-check timeout. Default: 30 000 ms. */
  checkTimeoutMs?: number;
  /** Per-call deadline suites give their drivers. Default: 10 000 ms. */
  callTimeoutMs?: number;
  /** Whether a check runs (--only/--skip). Default: all. */
  include?: (id: string) => boolean;
  /** Called with each result as it is made (progress). */
  onResult?: (result: CheckResult) => void;
}

/**
 * Runs one suite and returns its results, in order. A check that throws (or calls `fail`) failed; one past
 * its timeout failed naming the timeout; a failed SHOULD is a `warning`. The run itself never throws for
 * a check's failure: the server under test is the culprit, not the harness.
 */
export async function runSuite<Target, Cases>(suite: Suite<Target, Cases>, options: RunSuiteOptions<Target, Cases>): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const checkTimeoutMs = options.checkTimeoutMs ?? 30_000;
  const record = (result: CheckResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  const ctx: SuiteContext<Target, Cases> = {
    target: options.target,
    cases: options.cases,
    callTimeoutMs: options.callTimeoutMs ?? 10_000,
    async check(definition: CheckDefinition, fn: (rec: CheckRecorder) => Promise<void>): Promise<void> {
      if (options.include && !options.include(definition.id)) {
        record({ ...definition, suite: suite.name, status: "skipped", message: "not selected (--only/--skip)", exchanges: [], durationMs: 0 });
        return;
      }
      const exchanges: WireExchange[] = [];
      const controller = new AbortController();
      const started = performance.now();
      const rec: CheckRecorder = {
        signal: controller.signal,
        exchange(call, sent, received) {
          exchanges.push({ call, sent, received });
          return received;
        },
        fail(message, needed) {
          throw new CheckEnded("failed", message, needed);
        },
        skip(message) {
          throw new CheckEnded("skipped", message);
        },
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new CheckEnded("failed", `no outcome within the check's timeout of ${checkTimeoutMs} ms`));
        }, checkTimeoutMs);
      });
      let status: CheckResult["status"] = "passed";
      let message: string | undefined;
      let needed: string | undefined;
      try {
        await Promise.race([fn(rec), timeout]);
      } catch (err) {
        if (err instanceof CheckEnded) {
          status = err.outcome;
          message = err.message;
          needed = err.needed;
        } else {
          status = "failed";
          message = err instanceof Error ? err.message : String(err);
        }
      } finally {
        clearTimeout(timer);
      }
      if (status === "failed" && definition.level === "SHOULD") status = "warning";
      record({
        ...definition,
        suite: suite.name,
        status,
        ...(message === undefined ? {} : { message }),
        ...(needed === undefined ? {} : { needed }),
        exchanges,
        durationMs: Math.round(performance.now() - started),
      });
    },
  };
  await suite.run(ctx);
  return results;
}
