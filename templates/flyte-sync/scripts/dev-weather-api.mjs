#!/usr/bin/env node
// A small, real weather API for local development, the tests and `npm run conformance`: a stand-in for the
// HTTP endpoint your agent will call in production. It answers from a fixed table, over loopback.
//
//   GET /weather?city=Paris  → 200 {"city", "temperature_c", "conditions"}
//                            → 404 {"error"} for a city it does not know, 400 {"error"} without ?city=
//
//   node scripts/dev-weather-api.mjs                     serve on WEATHER_API_PORT (default 8082) until Ctrl-C
//   node scripts/dev-weather-api.mjs -- node dist/main.js
//        serve on a free loopback port, run the command with WEATHER_API_URL set to it, stop when it exits
//        (this is how `npm run dev` and `npm run conformance` start the agent)
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

/** What the dev API knows, by lower-case city name. */
export const cities = {
  paris: { city: "Paris", temperature_c: 21.5, conditions: "sunny" },
  oslo: { city: "Oslo", temperature_c: -3.25, conditions: "snow" },
  lima: { city: "Lima", temperature_c: 18, conditions: "overcast" },
};

/**
 * Starts the weather API on `host:port` (port 0: a free one).
 * @param {{ port?: number, host?: string }} [options]
 */
export async function startWeatherApi({ port = 0, host = "127.0.0.1" } = {}) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://weather-api");
    if (req.method !== "GET" || url.pathname !== "/weather") return send(404, { error: `no route ${req.method} ${url.pathname}` });
    const city = url.searchParams.get("city")?.trim();
    if (!city) return send(400, { error: "city is required: /weather?city=Paris" });
    const report = cities[city.toLowerCase()];
    if (!report) return send(404, { error: `no weather for city ${JSON.stringify(city)}` });
    return send(200, report);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    get requests() {
      return requests;
    },
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

// Run as a script (not imported by the tests). realpath: import.meta.url is the real path, argv[1] may go
// through a symlink (macOS's /tmp).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dash = process.argv.indexOf("--");
  const command = dash === -1 ? [] : process.argv.slice(dash + 1);
  if (command.length === 0) {
    const api = await startWeatherApi({ port: Number(process.env.WEATHER_API_PORT ?? 8082) });
    console.error(`dev weather API listening on ${api.url} (set WEATHER_API_URL=${api.url} for the agent)`);
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => api.close().then(() => process.exit(0)));
  } else {
    const api = await startWeatherApi();
    console.error(`dev weather API listening on ${api.url}; starting: ${command.join(" ")}`);
    // The agent gets its own process group, so a Ctrl-C or a group SIGTERM reaches it once, through here
    // (the agent drains on the first signal and exits at once on a second).
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", detached: true, env: { ...process.env, WEATHER_API_URL: api.url } });
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
    child.on("error", (err) => {
      console.error(`cannot start ${command[0]}: ${err.message}`);
      void api.close();
      process.exit(1);
    });
    child.on("exit", (code, signal) => {
      void api.close();
      process.exit(code ?? (signal ? 1 : 0));
    });
  }
}
