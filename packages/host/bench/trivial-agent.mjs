// The trivial agent of the host benchmark: `bench_wait` tasks that run until deleted. CreateTask and GetTask
// do no work, so what is measured is the caller: the host, or the bare FlyteDriver.
import { AsyncAgent, defineTask, serve, types } from "@agentwire/flyte";

const benchWait = defineTask({ taskType: "bench_wait", inputs: { i: types.integer() } });

class BenchWaitAgent extends AsyncAgent {
  name = "Bench Wait Agent";
  task = benchWait;
  async create(ctx) {
    return { i: Number(ctx.inputs.i) };
  }
  async get() {
    return this.running();
  }
  async delete() {}
}

await serve({ agents: [new BenchWaitAgent()] });
