// The agent driven as FlytePropeller drives a sync agent (ExecuteTaskSync: header, inputs, one reply), in
// process through @agentwire/flyte/testing, against the real dev weather API on a free loopback port.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Code, defineTask, types } from "@agentwire/flyte";
import { createFlyteDriver } from "@agentwire/flyte/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeatherApi, type DevWeatherApi } from "../scripts/dev-weather-api.mjs";
import { WeatherAgent, weatherTask } from "../src/weather-agent.js";
import { WeatherApi } from "../src/weather-api.js";

let api: DevWeatherApi;
beforeAll(async () => {
  api = await startWeatherApi({ port: 0 });
});
afterAll(async () => {
  await api.close();
});

const driverFor = (url: string) => createFlyteDriver({ agents: [new WeatherAgent(new WeatherApi(url))] });

/** A real HTTP server on a free loopback port that answers every request with `status` and `body`. */
async function serverAnswering(status: number, body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("WeatherAgent", () => {
  it("calls the API and returns typed outputs in one call", async () => {
    const run = await driverFor(api.url).run(weatherTask, { city: "Paris" });
    expect(run.mode).toBe("sync"); // ListAgents says is_sync, so the driver used ExecuteTaskSync
    expect(run.phase).toBe("SUCCEEDED");
    expect(run.outputs).toEqual({ temperature_c: 21.5, conditions: "sunny" }); // typed { temperature_c: number; conditions: string }
  });

  it("fails the task with the API's reason when it has no such city", async () => {
    const run = await driverFor(api.url).run(weatherTask, { city: "Atlantis" });
    expect(run.phase).toBe("FAILED");
    expect(run.message).toBe('the weather API has no city "Atlantis": no weather for city "Atlantis"');
    expect(run.resource?.agentError).toMatchObject({ code: "UNKNOWN_CITY", recoverable: false });
  });

  it("reports a server error upstream as a retryable failure", async () => {
    const { url, server } = await serverAnswering(503, JSON.stringify({ error: "maintenance" }));
    try {
      const run = await driverFor(url).run(weatherTask, { city: "Paris" });
      expect(run.phase).toBe("RETRYABLE_FAILED"); // uses one of the task's retries
      expect(run.message).toContain("answered 503: maintenance");
    } finally {
      server.close();
    }
  });

  it("names WEATHER_API_URL when the API is down", async () => {
    const { url, server } = await serverAnswering(200, "{}");
    await new Promise((resolve) => server.close(resolve)); // nothing listens there any more
    const run = await driverFor(url).run(weatherTask, { city: "Paris" });
    expect(run.phase).toBe("RETRYABLE_FAILED");
    expect(run.message).toContain("WEATHER_API_URL");
  });

  it("fails an empty city without calling the API", async () => {
    const before = api.requests;
    const run = await driverFor(api.url).run(weatherTask, { city: "  " });
    expect(run.phase).toBe("FAILED");
    expect(run.message).toBe('input "city" is empty: name a city, e.g. "Paris"');
    expect(api.requests).toBe(before);
  });

  it("refuses an input of the wrong type before execute runs", async () => {
    // A workflow whose task declares `city` as an integer: the template Propeller sends says so.
    const misdeclared = defineTask({ taskType: weatherTask.taskType, inputs: { city: types.integer() } });
    const run = await driverFor(api.url).run(misdeclared, { city: 75 });
    expect(run.phase).toBe("RETRYABLE_FAILED"); // what Propeller makes of any ExecuteTaskSync error
    expect(run.error?.code).toBe(Code.InvalidArgument);
    expect(run.error?.rawMessage).toContain('input "city"');
  });

  it("explains a missing WEATHER_API_URL", () => {
    expect(() => WeatherApi.fromEnv({})).toThrow(/WEATHER_API_URL is not set/);
  });
});
