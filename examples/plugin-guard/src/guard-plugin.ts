import { cancel, defineConfigSchema, LifecycleHook, modify, Plugin, type ConfigValues, type Logger } from "@agentwire/agentplatform";
import { compileRules, redact, type GuardRules } from "./rules.js";

/** The guard's settings, as a workspace's `config {}` block (or the settings form) gives them. */
export const guardConfigSchema = defineConfigSchema({
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
});

/**
 * The guard's LifecycleHook:
 * - cancels TOOL_CALL events for the tools in `deny_tools`;
 * - redacts matches of `redact_patterns` in the content of every message of an LLM_REQUEST (answering MODIFY,
 *   or CONTINUE when there is nothing to redact). Only message content: tool-call arguments are JSON text a
 *   replacement could break, and tool results reach the LLM as messages, so they are redacted there;
 * - lets every other event continue.
 *
 * It fails closed: an event it cannot judge (before the first `Register`, when reading the config fails, or
 * if judging throws) is cancelled for TOOL_CALL and LLM_REQUEST.
 */
export class Guard extends LifecycleHook<typeof guardConfigSchema> {
  // Rules by config object: `Register` replaces the config with a new object when (and only when) it succeeds.
  private readonly compiled = new WeakMap<object, GuardRules>();

  /** The rules of a config, compiled once. Throws INVALID_ARGUMENT naming a pattern that does not compile. */
  rules(config: ConfigValues<typeof guardConfigSchema>): GuardRules {
    let current = this.compiled.get(config);
    if (current === undefined) {
      current = compileRules(config);
      this.compiled.set(config, current);
    }
    return current;
  }

  toolCall = this.on("TOOL_CALL", (payload, { config }) =>
    this.rules(config).deniedTools.has(payload.tool_name) ? cancel(`tool ${JSON.stringify(payload.tool_name)} is denied by the guard (deny_tools)`) : undefined,
  );

  llmRequest = this.on(
    "LLM_REQUEST",
    (payload, { config, logger }) => {
      const { patterns } = this.rules(config);
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
    // TOOL_CALL fails closed by default; a redactor that fails must not let the secrets through either.
    { onError: "cancel" },
  );
}

/**
 * The guard plugin: the `Guard` hook and its settings. Invalid patterns refuse `Register` with
 * INVALID_ARGUMENT naming them.
 *
 * ```ts
 * await serve({ plugin: createGuardPlugin() });
 * ```
 */
export function createGuardPlugin() {
  const guard = new Guard();
  return new Plugin({
    name: "guard",
    version: "0.1.0",
    manifest: {
      description: "Blocks denied tools and redacts secrets from what the agent sends to the LLM",
      author: "agentwire examples",
      type: "remote",
      configSchema: guardConfigSchema,
    },
    providers: [guard],
    // Compiling here refuses bad patterns at Register, before the config becomes current.
    onRegister: ({ config }, { logger }) => logRules(guard.rules(config), logger),
  });
}

function logRules(rules: GuardRules, logger: Logger): void {
  logger.info({ deniedTools: [...rules.deniedTools], patterns: rules.patterns.length }, "guard rules set");
}
