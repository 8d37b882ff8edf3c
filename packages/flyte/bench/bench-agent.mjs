// The agent every server under test hosts, in its SDK form: create returns { jobId }, get answers
// SUCCEEDED with one declared integer output. serve-bare.mjs and flytekit_bench_agent.py do the same work
// by hand and in flytekit respectively.
import { AsyncAgent, defineTask, types } from "@agentwire/flyte";

export const BENCH_TASK_TYPE = "bench_task";

export const benchTask = defineTask({ taskType: BENCH_TASK_TYPE, inputs: { n: types.integer() }, outputs: { n: types.integer() } });

export class BenchAgent extends AsyncAgent {
  name = "Bench Agent";
  task = benchTask;
  #next = 0;

  async create(ctx) {
    return { jobId: `job-${ctx.inputs.n}-${++this.#next}` };
  }

  async get(_meta) {
    return this.succeeded({ n: 1 });
  }

  async delete() {}
}
