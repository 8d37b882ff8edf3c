// src/exchange-rate-agent.ts
import { defineTask, SyncAgent, TaskFailure, types, type TaskContext } from "@agentwire/flyte";

export const exchangeRateTask = defineTask({
  taskType: "exchange_rate",
  inputs: { from: types.string(), to: types.string(), amount: types.float() },
  outputs: { converted: types.float(), rate: types.float() },
});

/** Looks a rate up; resolves undefined for an unknown currency pair. */
export type RateLookup = (from: string, to: string, signal: AbortSignal) => Promise<number | undefined>;

export class ExchangeRateAgent extends SyncAgent<typeof exchangeRateTask> {
  readonly name = "Exchange Rate Agent";
  readonly task = exchangeRateTask;

  constructor(private readonly lookup: RateLookup) {
    super();
  }

  async execute(ctx: TaskContext<typeof exchangeRateTask>) {
    const { from, to, amount } = ctx.inputs;
    const rate = await this.lookup(from, to, ctx.signal);
    if (rate === undefined) {
      // A failure of the task, shown to its user: not an agent crash.
      throw new TaskFailure(`no exchange rate from ${from} to ${to}`, { code: "UNKNOWN_CURRENCY" });
    }
    return this.succeeded({ converted: amount * rate, rate });
  }
}
