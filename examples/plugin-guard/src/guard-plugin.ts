import { cancel, createLifecycleHook, modify, Plugin, type ConfigSchema } from "@agentwire/agentplatform";
import { compileRules, redact, type GuardRules } from "./rules.js";

/** The guard's settings, as a workspace's `config {}` block (or the settings form) gives them. */
export const guardConfigSchema = {
  deny_tools: {
    type: "string",
    default: "",
    description: "Comma-separated tool names the agent may not call: their TOOL_CALL events are cancelled",
    placeholder: "shell, delete_file",
  },
  redact_patterns: {
    type: "string",
    default: "",
    description:
      "Comma-separated regular expressions (JavaScript syntax, case-sensitive; a leading (?i) ignores case) whose matches in the messages sent to the LLM become [REDACTED]",
    placeholder: "sk-[A-Za-z0-9]{20,}, (?i)password=\\S+",
  },
} as const satisfies ConfigSchema;

/**
 * The guard plugin: a LifecycleHook that
 * - cancels TOOL_CALL events for the tools in `deny_tools`;
 * - redacts matches of `redact_patterns` in the content of every message of an LLM_REQUEST (answering MODIFY,
 *   or CONTINUE when there is nothing to redact). Only message content: tool-call arguments are JSON text a
 *   replacement could break, and tool results reach the LLM as messages, so they are redacted there;
 * - lets every other event continue.
 *
 * Invalid patterns refuse `Register` with INVALID_ARGUMENT naming them. It fails closed: an event it cannot
 * judge (before the first `Register`, or if judging throws) is cancelled for TOOL_CALL and LLM_REQUEST.
 *
 * ```ts
 * await servePlugin(createGuardPlugin());
 * ```
 */
export function createGuardPlugin(): Plugin<typeof guardConfigSchema> {
  // Rules by config object: `Register` replaces `plugin.config` with a new object when (and only when) it succeeds.
  const compiled = new WeakMap<object, GuardRules>();

  const plugin = new Plugin({
    name: "guard",
    version: "0.1.0",
    manifest: {
      description: "Blocks denied tools and redacts secrets from what the agent sends to the LLM",
      author: "agentwire examples",
      type: "remote",
      configSchema: guardConfigSchema,
    },
    // Compiling here refuses bad patterns at Register, before the config becomes current.
    onRegister: ({ config }, { logger }) => {
      const rules = compileRules(config);
      compiled.set(config, rules);
      logger.info({ deniedTools: [...rules.deniedTools], patterns: rules.patterns.length }, "guard rules set");
    },
  });

  const rules = (): GuardRules => {
    const config = plugin.config; // FAILED_PRECONDITION before the first Register: the hook then fails closed.
    let current = compiled.get(config);
    if (current === undefined) {
      current = compileRules(config);
      compiled.set(config, current);
    }
    return current;
  };

  plugin.addProvider(
    createLifecycleHook({
      on: {
        TOOL_CALL: (payload) =>
          rules().deniedTools.has(payload.tool_name) ? cancel(`tool ${JSON.stringify(payload.tool_name)} is denied by the guard (deny_tools)`) : undefined,
        LLM_REQUEST: (payload, { logger }) => {
          const { patterns } = rules();
          if (patterns.length === 0) return undefined;
          let redactions = 0;
          const messages = payload.messages.map((message) => {
            const result = redact(message.content, patterns);
            if (result.redactions === 0) return message;
            redactions += result.redactions;
            return { ...message, content: result.text };
          });
          if (redactions === 0) return undefined;
          // The count only: what was redacted is what must not be logged.
          logger.info({ redactions }, `redacted ${redactions} match(es) from the LLM request`);
          return modify({ ...payload, messages });
        },
      },
      // TOOL_CALL fails closed by default; a redactor that fails must not let the secrets through either.
      onError: { LLM_REQUEST: "cancel" },
    }),
  );
  return plugin;
}
