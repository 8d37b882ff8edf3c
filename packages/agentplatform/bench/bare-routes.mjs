// The baseline: the same work as the bench plugin's `add` tool and `complete`, written by hand against
// connect's router, with nothing else (no Plugin service, no validation library, no logging).
//   ExecuteTool: parse arguments_json, check that a and b are numbers, answer JSON.stringify(a + b)
//   Complete:    yield DELTAS Delta messages, then Usage, then the finish (STOP)
import { FinishReason, LLMProvider, ToolProvider } from "./.bench-out/descriptors.mjs";
import { DELTAS, USAGE, deltaTexts } from "./workload.mjs";

const texts = deltaTexts(DELTAS);

function errorResult(error) {
  return { resultJson: JSON.stringify({ error }), isError: true };
}

/**
 * Reference variants of the bare ExecuteTool for the in-process pass (never served over the network):
 *   getterContext  the same work in an async handler that builds, per call, an object literal shaped like
 *                  the SDK's ToolContext (tool-registry.ts `run`: two `get` accessors) and keeps it across
 *                  one await before the work, as the SDK's handler does
 *   classContext   the same, with the accessors on a class's prototype instead of on a literal
 */
export function bareRoutesWith({ getterContext = false, classContext = false } = {}) {
  return (router) => bareRoutes(router, { getterContext, classContext });
}

class BareToolContext {
  constructor(tool, signal) {
    this.tool = tool;
    this.signal = signal;
    this.readTooEarly = false;
  }
  get config() {
    this.readTooEarly = true;
    return {};
  }
  get env() {
    this.readTooEarly = true;
    return {};
  }
}

/** The work of the `add` tool, answered as ExecuteToolResponse init (also served by serve-grpcjs.mjs). */
export function add(req) {
  if (req.name !== "add" && req.name !== "add_json") return errorResult(`no tool ${req.name}`);
  let args;
  try {
    args = JSON.parse(req.argumentsJson);
  } catch (err) {
    return errorResult(`arguments_json is not JSON: ${err.message}`);
  }
  const a = args?.a;
  const b = args?.b;
  if (typeof a !== "number" || typeof b !== "number") return errorResult("a and b must be numbers");
  return { resultJson: JSON.stringify(a + b) };
}

export function bareRoutes(router, { getterContext = false, classContext = false } = {}) {
  const listTools = () => ({ tools: [{ name: "add", description: "Adds two numbers", parametersJsonSchema: '{"type":"object"}' }] });
  let executeTool = add;
  if (getterContext) {
    executeTool = async (req, ctx) => {
      let readTooEarly = false;
      const context = {
        tool: req.name,
        signal: ctx.signal,
        get config() {
          readTooEarly = true;
          return {};
        },
        get env() {
          readTooEarly = true;
          return {};
        },
      };
      const result = await Promise.resolve().then(() => add(req, context));
      return readTooEarly ? errorResult("unreachable") : result;
    };
  } else if (classContext) {
    executeTool = async (req, ctx) => {
      const context = new BareToolContext(req.name, ctx.signal);
      const result = await Promise.resolve().then(() => add(req, context));
      return context.readTooEarly ? errorResult("unreachable") : result;
    };
  }
  router.service(ToolProvider, { listTools, executeTool });
  router.service(LLMProvider, {
    async *complete() {
      for (const content of texts) yield { event: { case: "delta", value: { content } } };
      yield { event: { case: "usage", value: USAGE } };
      yield { event: { case: "finish", value: { reason: FinishReason.STOP } } };
    },
  });
}
