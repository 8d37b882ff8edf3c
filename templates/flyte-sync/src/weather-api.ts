import { AgentwireError, TaskFailure } from "@agentwire/flyte";

// The client for the HTTP endpoint your agent calls. It speaks the small JSON API of
// scripts/dev-weather-api.mjs (GET /weather?city=…); replace the request and the parsing below with your
// endpoint's, keeping the rule for errors: the task's failure (a TaskFailure, with a message its user can
// act on) when the endpoint says no, a retryable one when it is down.

/** The environment variable that holds the endpoint's base URL. */
export const weatherApiUrlVariable = "WEATHER_API_URL";

/** What the endpoint answers, checked. */
export interface WeatherReport {
  readonly temperatureC: number;
  readonly conditions: string;
}

export class WeatherApi {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new AgentwireError("invalid_argument", `${weatherApiUrlVariable}=${JSON.stringify(baseUrl)} is not a URL; set it to the weather API's base URL, e.g. http://127.0.0.1:8082`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new AgentwireError("invalid_argument", `${weatherApiUrlVariable}=${baseUrl} must be an http or https URL`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** The client for the endpoint named by WEATHER_API_URL, or an error that says how to set it. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): WeatherApi {
    const url = env[weatherApiUrlVariable];
    if (url === undefined || url === "") {
      throw new AgentwireError(
        "failed_precondition",
        `${weatherApiUrlVariable} is not set: point it at the weather API (e.g. ${weatherApiUrlVariable}=http://127.0.0.1:8082 with \`npm run dev-weather-api\` running), or use \`npm run dev\`, which starts both`,
      );
    }
    return new WeatherApi(url);
  }

  /** The current weather in `city`. */
  async current(city: string, signal: AbortSignal): Promise<WeatherReport> {
    const url = `${this.baseUrl}/weather?city=${encodeURIComponent(city)}`;
    let response: Response;
    try {
      response = await fetch(url, { signal, headers: { accept: "application/json" } });
    } catch (err) {
      const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      // Recoverable: the task is retried (one of its retries), the endpoint may be back by then.
      throw new TaskFailure(`GET ${url} failed: ${reason}; is the weather API up, and is ${weatherApiUrlVariable} right?`, {
        code: "WEATHER_API_UNREACHABLE",
        recoverable: true,
        origin: "system",
        cause: err,
      });
    }
    const text = await response.text();
    let body: { error?: unknown; temperature_c?: unknown; conditions?: unknown } = {};
    try {
      body = text === "" ? {} : (JSON.parse(text) as typeof body);
    } catch {
      body = { error: text.slice(0, 200) };
    }
    const reason = typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    if (response.status === 404) {
      throw new TaskFailure(`the weather API has no city ${JSON.stringify(city)}: ${reason}`, { code: "UNKNOWN_CITY" });
    }
    if (response.status >= 500) {
      throw new TaskFailure(`the weather API (${weatherApiUrlVariable}=${this.baseUrl}) answered ${response.status}: ${reason}`, {
        code: "WEATHER_API_ERROR",
        recoverable: true,
        origin: "system",
      });
    }
    if (response.status !== 200) {
      throw new TaskFailure(`the weather API refused city ${JSON.stringify(city)} (${response.status}): ${reason}`, { code: "WEATHER_API_REFUSED" });
    }
    if (typeof body.temperature_c !== "number" || typeof body.conditions !== "string") {
      throw new TaskFailure(`the weather API (${weatherApiUrlVariable}=${this.baseUrl}) answered without temperature_c and conditions: ${text.slice(0, 200)}`, {
        code: "WEATHER_API_ERROR",
        origin: "system",
      });
    }
    return { temperatureC: body.temperature_c, conditions: body.conditions };
  }
}
