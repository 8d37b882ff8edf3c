import type { Logger } from "@agentwire/core";
import type { ConfigSchema, ConfigValues } from "../config-schema.js";

/**
 * What a tool handler gets besides its arguments: the call's signal and deadline, a logger, and the
 * plugin's registered config and environment.
 *
 * ```ts
 * tools.registerTool("forecast", { description: "Forecast for a city", inputSchema: z.object({ city: z.string() }) },
 *   async ({ city }, { config, env, signal }) => {
 *     const res = await fetch(`${config.base_url}/forecast?city=${encodeURIComponent(city)}`, {
 *       headers: { authorization: `Bearer ${env[config.api_key_env] ?? process.env[config.api_key_env]}` },
 *       signal,
 *     });
 *     return await res.json();
 *   });
 * ```
 */
export interface ToolContext<S extends ConfigSchema = ConfigSchema> {
  /** The tool being called. */
  readonly tool: string;
  /**
   * Fires when the platform cancels the call, its deadline passes or the plugin shuts down. Pass it to
   * `fetch`, child processes and streams; the call is answered (with the abort's gRPC status) as soon as it
   * fires, whether the handler has returned or not.
   */
  readonly signal: AbortSignal;
  /** Milliseconds left before the caller's deadline, or undefined when it set none. */
  timeoutMs(): number | undefined;
  /** The server's logger, tagged with the tool's name. */
  readonly logger: Logger;
  /**
   * The plugin's config from the platform's last `Register`: defaults merged, values coerced to the schema's
   * types. Reading it before any `Register` fails the call with FAILED_PRECONDITION.
   */
  readonly config: ConfigValues<S>;
  /** `RegisterRequest.env_vars` of the last `Register` (a local plugin has its workspace env in `process.env`). */
  readonly env: Readonly<Record<string, string>>;
}
