// Types for scripts/dev-weather-api.mjs, so the tests can start it.
export interface DevWeatherApi {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** How many requests it has answered. */
  readonly requests: number;
  close(): Promise<void>;
}
export const cities: Record<string, { city: string; temperature_c: number; conditions: string }>;
export function startWeatherApi(options?: { port?: number; host?: string }): Promise<DevWeatherApi>;
