import { defineTask, SyncAgent, TaskFailure, types, type TaskContext } from "@agentwire/flyte";
import type { WeatherApi } from "./weather-api.js";

/**
 * The task type this agent serves, declared once. Propeller routes tasks whose template `type` is
 * "example_weather" here; `inputs` and `outputs` type `ctx.inputs` and `this.succeeded(…)` below, and the
 * SDK checks and converts the values by them. Change the interface to your call's.
 */
export const weatherTask = defineTask({
  taskType: "example_weather",
  inputs: { city: types.string() },
  outputs: { temperature_c: types.float(), conditions: types.string() },
});

/**
 * A sync Flyte agent (connector): ExecuteTaskSync calls the weather API once and answers with the outputs.
 * Propeller waits for the answer (30 s by default for ExecuteTaskSync): a call that takes longer belongs in
 * an async agent.
 */
export class WeatherAgent extends SyncAgent<typeof weatherTask> {
  readonly name = "Example Weather Agent"; // the name ListAgents shows
  readonly task = weatherTask;

  constructor(private readonly weather: WeatherApi) {
    super();
  }

  async execute(ctx: TaskContext<typeof weatherTask>) {
    const city = ctx.inputs.city.trim(); // typed by weatherTask: string
    // Your code: check the inputs the types cannot (a failure of the task, shown to its user).
    if (city === "") {
      throw new TaskFailure('input "city" is empty: name a city, e.g. "Paris"', { code: "INVALID_INPUT" });
    }
    // Your code: the call. ctx.signal aborts it when Propeller's deadline passes.
    const report = await this.weather.current(city, ctx.signal);
    ctx.logger.info({ city, conditions: report.conditions }, "weather fetched");
    return this.succeeded({ temperature_c: report.temperatureC, conditions: report.conditions });
  }
}
