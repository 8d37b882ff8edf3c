// The plugin: a LifecycleHook the agent runtime calls on every event of a run. It answers TOOL_CALL events:
// CANCEL for a denied tool or denied arguments, MODIFY (the arguments with secrets masked) when the mask
// matches, CONTINUE otherwise. Every other event continues.
import { cancel, defineConfigSchema, LifecycleHook, modify, Plugin } from "@agentwire/agentplatform";
import { compileRules, maskArguments } from "./rules.js";

/**
 * The guard's settings, from the workspace's `plugin "example-guard" { config { ... } }` block.
 * YOUR CODE: add your settings here; every handler's `context.config` is typed from this schema. Patterns are
 * checked by the platform's Go settings API too: keep to syntax both JavaScript and RE2 accept. A setting left
 * empty takes its default (the SDK treats "" as not set, as a blank form input).
 */
export const configSchema = defineConfigSchema({
  deny_tools: {
    type: "string",
    default: "shell, exec_*",
    description: "Comma-separated tool names (globs: * is any run of characters) whose calls are cancelled",
  },
  deny_arguments: {
    type: "string",
    default: "",
    placeholder: "rm\\s+-rf|drop\\s+table",
    description: "A regular expression (case-insensitive); a call whose arguments (as JSON text) match it is cancelled. Default: none",
  },
  mask_pattern: {
    type: "string",
    default: "\\b\\d{4}(?:[ -]?\\d{4}){3}\\b",
    description: "A regular expression; its matches in the arguments' strings become [masked] (default: card numbers)",
  },
});

export class Guard extends LifecycleHook<typeof configSchema> {
  toolCall = this.on(
    "TOOL_CALL",
    (payload, { config, agentName, logger }) => {
      // YOUR CODE: decide on each tool call. Return cancel(reason), modify(newPayload), or nothing (CONTINUE).
      const rules = compileRules(config);
      if (rules.deniedTools.some((pattern) => pattern.test(payload.tool_name))) {
        return cancel(`tool ${JSON.stringify(payload.tool_name)} is denied for agent ${JSON.stringify(agentName)} (deny_tools)`);
      }
      if (rules.deniedArguments?.test(payload.arguments_json)) {
        return cancel(`the arguments of ${JSON.stringify(payload.tool_name)} match deny_arguments`);
      }
      const masked = rules.mask === undefined ? undefined : maskArguments(payload.arguments_json, rules.mask);
      if (masked === undefined) return undefined;
      // Log that something was masked, never what.
      logger.info({ tool: payload.tool_name }, "masked the arguments of a tool call");
      // Spread the payload so fields this SDK does not know go back unchanged.
      return modify({ ...payload, arguments_json: masked });
    },
    // A guard that cannot decide must not let the tool run (TOOL_CALL's default, written out).
    { onError: "cancel" },
  );

  // YOUR CODE: other events have typed payloads too: AGENT_START/END, TURN_START/END, LLM_REQUEST/RESPONSE,
  // TOOL_RESULT, HANDOFF. Their failures continue by default (a broken hook must not stop the agent).
  turnEnd = this.on("TURN_END", (payload, { logger }) => {
    logger.debug({ turn: payload.turn_number, agent: payload.agent_name }, "turn finished");
  });
}

/** The plugin `main.ts` serves and the tests drive. */
export function createGuardPlugin() {
  return new Plugin({
    // The workspace's `plugin "example-guard"` block must use this name.
    name: "example-guard",
    version: "0.1.0",
    manifest: {
      description: "Cancels tool calls of denied tools or with denied arguments, and masks secrets in the others",
      author: "agentwire-template-plugin-hook",
      type: "remote",
      configSchema,
    },
    providers: [new Guard()],
    // Compiling here refuses bad patterns at Register (INVALID_ARGUMENT naming the setting); the old rules stay.
    onRegister: ({ config }) => void compileRules(config),
  });
}
