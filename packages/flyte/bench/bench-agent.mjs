// The agent every server under test hosts, in its SDK form: create returns { jobId }, get answers
// SUCCEEDED with one declared integer output. serve-bare.mjs and flytekit_bench_agent.py do the same work
// by hand and in flytekit respectively.
import { AsyncAgent, types } from "@agentwire/flyte";

export const BENCH_TASK_TYPE = "bench_task";

export class BenchAgent extends AsyncAgent {
  name = "Bench Agent";
  taskCategory = { name: BENCH_TASK_TYPE, version: 0 };
  inputTypes = { n: types.integer() };
  outputTypes = { n: types.integer() };
  #next = 0;

  async create(ctx) {
    return { jobId: `job-${ctx.inputs.n}-${++this.#next}` };
  }

  async get(_meta) {
    return { phase: "SUCCEEDED", outputs: { n: 1 } };
  }

  async delete() {}
}
