import type { Logger } from "@agentwire/core";
import type { ConfigSchema } from "../config-schema.js";
import { CallContext, type ContextSource, type PluginContext } from "../plugin-context.js";

/**
 * What a tool handler gets besides its arguments: the call's signal and deadline, a logger, the plugin's
 * typed config and environment, and the tool's name.
 *
 * ```ts
 * import { defineConfigSchema, ToolProvider } from "@agentwire/agentplatform";
 * import { z } from "zod";
 *
 * const configSchema = defineConfigSchema({ base_url: { type: "string", required: true }, api_key_env: { type: "string", required: true } });
 *
 * export class Forecasts extends ToolProvider<typeof configSchema> {
 *   forecast = this.tool(
 *     "forecast",
 *     { description: "Forecast for a city", inputSchema: z.object({ city: z.string() }) },
 *     async ({ city }, { config, env, signal }) => {
 *       const res = await fetch(`${config.base_url}/forecast?city=${encodeURIComponent(city)}`, {
 *         headers: { authorization: `Bearer ${env[config.api_key_env] ?? process.env[config.api_key_env]}` },
 *         signal,
 *       });
 *       return await res.json();
 *     },
 *   );
 * }
 * ```
 */
export interface ToolContext<S extends ConfigSchema = ConfigSchema> extends PluginContext<S> {
  /** The tool being called. */
  readonly tool: string;
}

/** The context behind a tool call. */
export class ToolCallContext<S extends ConfigSchema> extends CallContext<S> implements ToolContext<S> {
  constructor(
    readonly tool: string,
    source: ContextSource,
    signal: AbortSignal | (() => AbortSignal),
    timeoutMs: () => number | undefined,
    logger: Logger,
  ) {
    super(source, signal, timeoutMs, logger);
  }
}
