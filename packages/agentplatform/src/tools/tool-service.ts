// The ToolProvider service of one provider: ListTools from its declarations, ExecuteTool running a handler
// with the MCP-style split between tool errors (`is_error` results the agent sees) and protocol errors
// (gRPC statuses the platform handles).
import { AgentwireError, lazyChildLogger, messageOf, type Logger } from "@agentwire/core";
import { serviceTable, toConnectError, type AnyServiceTable } from "@agentwire/core/grpc";
import { abortError, untilAborted } from "../call-abort.js";
import { ToolProvider as ToolProviderService } from "../gen/agentplatform/v1/tool_pb.js";
import { notRegisteredYet, type ContextSource } from "../plugin-context.js";
import type { ProviderRuntime } from "../provider.js";
import type { JsonSchemaIssue } from "./json-schema.js";
import { parseToolArguments } from "./tool-arguments.js";
import { ToolCallContext } from "./tool-context.js";
import { toolEntries, type ToolEntry } from "./tool-provider.js";
import { encodeResult, errorResult, type ToolCallResult } from "./tool-result.js";

/**
 * How a call reaches `executeTool`: the RPC's signal, deadline and logger. `signal` is read only when the
 * tool is asynchronous or the call fails (a getter is fine: on grpc-js a signal costs an AbortController).
 */
export interface ToolCall {
  readonly name: string;
  readonly argumentsJson: string;
  readonly signal: AbortSignal;
  readonly timeoutMs: () => number | undefined;
  readonly logger: Logger;
}

/**
 * What the ExecuteTool RPC does. Throws an `AgentwireError` for what the RPC answers with a gRPC status
 * (`not_found`, `failed_precondition`) and the abort's error for a fired signal; every other outcome is a
 * result.
 */
export async function executeTool(provider: object, plugin: ContextSource, call: ToolCall): Promise<ToolCallResult> {
  const entries = toolEntries(provider);
  const entry = entries.get(call.name);
  if (entry === undefined) {
    const known = [...entries.keys()];
    throw new AgentwireError(
      "not_found",
      `plugin ${JSON.stringify(plugin.name)} has no tool ${JSON.stringify(call.name)} (${known.length === 0 ? "it has no tools" : `its tools: ${known.join(", ")}`})`,
      { details: { tool: call.name } },
    );
  }
  const logger = lazyChildLogger(call.logger, { tool: entry.name });
  const started = performance.now();
  const result = await run(entry, plugin, call, logger);
  logger.debug({ isError: result.isError, ms: Math.round(performance.now() - started) }, `tool call ${entry.name}`);
  return result;
}

/** Whether `value` is a promise or another thenable (what `await` would wait for). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Runs one tool call. A synchronous validator and handler (zod's usual schemas, JSON Schema, a handler
 * that returns a value) run straight through: nothing to race against the call's signal, which is not even
 * made. Whatever returns a promise is raced against it (untilAborted), and a call aborted by then ends
 * with the abort's error.
 */
async function run(entry: ToolEntry, plugin: ContextSource, call: ToolCall, logger: Logger): Promise<ToolCallResult> {
  const invalid = (detail: string, issues?: readonly JsonSchemaIssue[]) => {
    const message = `invalid arguments for tool ${JSON.stringify(entry.name)}: ${detail}`;
    logger.debug({ issues }, message);
    return errorResult(message, issues);
  };

  const parsed = parseToolArguments(call.argumentsJson);
  if (!parsed.ok) return invalid(parsed.problem);
  const checking = entry.input.check(parsed.value);
  const checked = checking instanceof Promise ? await untilAborted(checking, call.signal, "tool call") : checking;
  if (!checked.ok) {
    return invalid(checked.issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; "), checked.issues);
  }

  const context = new ToolCallContext(entry.name, plugin, () => call.signal, call.timeoutMs, logger);
  let value: unknown;
  let waited = false;
  try {
    value = entry.handler(checked.value, context);
    if (isThenable(value)) {
      waited = true;
      value = await untilAborted(Promise.resolve(value), call.signal, "tool call");
    }
  } catch (err) {
    if (call.signal.aborted) throw abortError(call.signal, "tool call");
    if (context.readConfigTooEarly && !plugin.registered) throw notRegisteredYet(plugin.name, `tool ${JSON.stringify(entry.name)}`, err);
    logger.warn({ err }, `tool ${entry.name} failed: ${messageOf(err)}`);
    return errorResult(messageOf(err));
  }
  // The platform stopped waiting; what the handler returned after that goes nowhere.
  if (waited && call.signal.aborted) throw abortError(call.signal, "tool call");
  try {
    return { resultJson: encodeResult(value), isError: false };
  } catch (err) {
    const message = `tool ${JSON.stringify(entry.name)} returned a value that cannot be sent as JSON: ${messageOf(err)}`;
    logger.error({ err }, message);
    return errorResult(message);
  }
}

/** The `ToolProvider` service table of one provider, for one server or transport. */
export function toolServiceTable(provider: object, { plugin, logger }: ProviderRuntime): AnyServiceTable {
  return serviceTable(ToolProviderService, {
    listTools: () => ({
      tools: [...toolEntries(provider).values()].map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parametersJsonSchema })),
    }),
    executeTool: async (req, ctx) => {
      try {
        return await executeTool(provider, plugin, {
          name: req.name,
          argumentsJson: req.argumentsJson,
          get signal() {
            return ctx.signal;
          },
          timeoutMs: ctx.timeoutMs,
          logger,
        });
      } catch (err) {
        if (!ctx.signal.aborted) logger.info({ tool: req.name }, `ExecuteTool refused: ${messageOf(err)}`);
        throw toConnectError(err);
      }
    },
  });
}
