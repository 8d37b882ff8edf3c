import { createLogger, serve } from "@agentwire/flyte";
import { WeatherAgent } from "./weather-agent.js";
import { WeatherApi } from "./weather-api.js";

// The server Propeller calls. WEATHER_API_URL (required) names the endpoint the agent calls; PORT
// (default 8000), HOST, METRICS_PORT and LOG_LEVEL come from the environment too. It logs JSON lines on
// stderr (the first one says where it listens) and drains, then exits, on SIGTERM.
const logger = createLogger({ name: "agentwire-template-flyte-sync" });
let weather: WeatherApi;
try {
  weather = WeatherApi.fromEnv(); // refuses to start, naming WEATHER_API_URL, when it is missing or not a URL
} catch (err) {
  logger.fatal(`cannot start: ${(err as Error).message}`);
  process.exit(1);
}
logger.info({ weatherApi: weather.baseUrl }, "calling the weather API");
// Your code: one agent per task type; add yours to `agents`.
await serve({ agents: [new WeatherAgent(weather)], logger });
