import type { CheckDefinition, CheckRecorder } from "./check.js";

/**
 * A suite: the checks of one part of one protocol (`flyte.metadata`, `flyte.async`, `activeworkflow.receive`,
 * ...). `run` calls `ctx.check(definition, fn)` for each check it makes, in order; a check whose `fn` resolves
 * passed, one that calls `fail` or throws failed. Discovery suites need only the target; case suites read
 * `ctx.cases`.
 */
export interface Suite<Target, Cases> {
  /** `flyte.async`: the prefix of every check id in it. */
  readonly name: string;
  /** One line for reports. */
  readonly description: string;
  run(ctx: SuiteContext<Target, Cases>): Promise<void>;
}

export interface SuiteContext<Target, Cases> {
  /** How to reach the server under test (a URL, an address, a transport), protocol-specific. */
  readonly target: Target;
  /** The author's scenarios for this protocol, validated; undefined without --cases. */
  readonly cases: Cases | undefined;
  /** Runs one check (unless filtered out by --only/--skip) and records its result. */
  check(definition: CheckDefinition, fn: (rec: CheckRecorder) => Promise<void>): Promise<void>;
  /** Per-call deadline the suite gives its driver calls, from --timeout. */
  readonly callTimeoutMs: number;
}
