// The agent loop of a workspace: one conversation, run through its plugins.
//
//   AGENT_START, then per turn: TURN_START → LLM_REQUEST → LLMProvider.Complete (deltas assembled by the
//   testing package's CompletionAssembler) → LLM_RESPONSE → for each tool call: TOOL_CALL →
//   ToolProvider.ExecuteTool → TOOL_RESULT → TURN_END; until the model stops (or HANDOFF to another agent,
//   offered to the model as a `transfer_to_<agent>` tool); AGENT_END.
//
// Every LIFECYCLE_HOOK plugin sees every event, in workspace order: the first CANCEL wins, MODIFY payloads
// chain, and what the last one returns is what the loop uses. A plugin that fails or does not answer within
// `loop.call_timeout` becomes an `error` event, never a hung conversation; a failing hook is skipped with a
// warning (fail open), except on TOOL_CALL, where `loop.tool_call_hook_failure` decides (default "deny").
// Every event is stored with its conversation.
import type { LifecycleEventName } from "@agentwire/agentplatform";
import { Capability, CompletionAssembler, FinishReason, type SentEvent } from "@agentwire/agentplatform/testing";
import { messageOf, parseJson, stringifyJson } from "@agentwire/core";
import type { WorkspacePlugins } from "./plugins.js";
import type { Workspace, WorkspaceAgent } from "./workspace.js";

/** One event of a conversation, with `ConversationEvent`'s field names (what the chat component renders). */
export interface ConversationEvent {
  type: "content" | "tool_call" | "tool_result" | "handoff" | "finish" | "error";
  agent: string;
  content?: string;
  tool?: string;
  args?: string;
  result?: string;
  is_error?: boolean;
  target?: string;
  error_message?: string;
}

export interface ConversationRequest {
  input: string;
  history?: Array<{ role: string; content: string }>;
  /** The agent to start with. Default: the workspace's first agent. */
  agent?: string;
}

interface Message {
  role: string;
  content: string;
  tool_calls: Array<{ id: string; name: string; arguments_json: string }>;
  tool_call_id?: string;
}

interface ToolDef {
  name: string;
  description: string;
  parameters_json_schema: string;
}

const handoffPrefix = "transfer_to_";

/** Runs conversations for one workspace. */
export class AgentLoop {
  constructor(
    private readonly workspace: Workspace,
    private readonly plugins: WorkspacePlugins,
  ) {}

  private agent(name: string | undefined): WorkspaceAgent {
    const agent = name === undefined ? this.workspace.agents[0] : this.workspace.agents.find((a) => a.name === name);
    if (agent === undefined) {
      throw new Error(
        name === undefined
          ? `workspace ${this.workspace.id} has no agent block; add agent "assistant" { llm = "...", model = "..." } to ${this.workspace.file}`
          : `no agent "${name}" in workspace ${this.workspace.id} (it has ${this.workspace.agents.map((a) => a.name).join(", ") || "none"})`,
      );
    }
    return agent;
  }

  /** The tools an agent may call, each with the plugin that serves it, plus its handoff tools. */
  private toolsFor(agent: WorkspaceAgent): { defs: ToolDef[]; owner: Map<string, string> } {
    const owner = new Map<string, string>();
    const defs: ToolDef[] = [];
    const plugins = (agent.tools ?? this.plugins.withCapability(Capability.TOOL_PROVIDER)).filter((p) => this.plugins.has(p, Capability.TOOL_PROVIDER));
    for (const plugin of plugins) {
      for (const tool of this.plugins.tools(plugin)) {
        if (owner.has(tool.name)) continue; // the first plugin in workspace order that serves a name wins
        owner.set(tool.name, plugin);
        defs.push({ name: tool.name, description: tool.description, parameters_json_schema: stringifyJson(tool.parameters) ?? "{}" });
      }
    }
    for (const target of agent.handoffs) {
      const to = this.workspace.agents.find((a) => a.name === target);
      defs.push({
        name: `${handoffPrefix}${target}`,
        description: `Hand the conversation to the agent "${target}"${to?.instructions ? ` (${to.instructions.split("\n")[0]!.slice(0, 120)})` : ""}.`,
        parameters_json_schema: JSON.stringify({ type: "object", properties: { context: { type: "string", description: "What the next agent needs to know" } }, required: ["context"] }),
      });
    }
    return { defs, owner };
  }

  /** Sends one lifecycle event to every hook, in workspace order. */
  private async hooks<P extends object>(
    type: string,
    payload: P,
    agentName: string,
    emit: (e: ConversationEvent) => void,
    signal: AbortSignal,
  ): Promise<{ payload: P; cancelled?: { by: string; reason: string } }> {
    let current = payload;
    for (const hook of this.plugins.withCapability(Capability.LIFECYCLE_HOOK)) {
      let sent: SentEvent<unknown>;
      try {
        sent = await this.plugins.call(hook, `OnEvent (${type})`, () =>
          this.plugins.driver(hook).sendEvent(type as LifecycleEventName, current as unknown, { agentName, timeoutMs: this.workspace.loop.callTimeoutMs, signal }),
        );
      } catch (err) {
        if (signal.aborted) throw err;
        if (type === "TOOL_CALL" && this.workspace.loop.toolCallHookFailure === "deny") {
          return { payload: current, cancelled: { by: hook, reason: `the hook failed (${messageOf(err)}), and loop.tool_call_hook_failure is "deny"` } };
        }
        emit({ type: "error", agent: agentName, error_message: `warning: ${messageOf(err)}; continuing without it (hooks fail open)`, is_error: false });
        continue;
      }
      if (sent.action === "CANCEL") return { payload: current, cancelled: { by: hook, reason: sent.reason ?? "no reason given" } };
      if (sent.action === "MODIFY" && sent.payload !== undefined && typeof sent.payload === "object") current = sent.payload as P;
    }
    return { payload: current };
  }

  /**
   * Runs one conversation, calling `emit` for every event as it happens (content as it streams). Resolves
   * once the conversation is over; never rejects for a plugin's failure (that is an `error` event).
   */
  async run(request: ConversationRequest, emit: (e: ConversationEvent) => void, signal: AbortSignal = new AbortController().signal): Promise<"completed" | "failed" | "canceled"> {
    let agent: WorkspaceAgent;
    try {
      agent = this.agent(request.agent);
    } catch (err) {
      emit({ type: "error", agent: request.agent ?? "", error_message: messageOf(err), is_error: true });
      return "failed";
    }
    const timeoutMs = this.workspace.loop.callTimeoutMs;
    const fail = (message: string) => {
      emit({ type: "error", agent: agent.name, error_message: message, is_error: true });
      return "failed" as const;
    };
    const messages: Message[] = [
      { role: "system", content: agent.instructions, tool_calls: [] },
      ...(request.history ?? []).map((m) => ({ role: m.role, content: m.content, tool_calls: [] })),
      { role: "user", content: request.input, tool_calls: [] },
    ];
    try {
      const start = await this.hooks("AGENT_START", { agent_name: agent.name, input: request.input }, agent.name, emit, signal);
      if (start.cancelled) return fail(`the conversation was cancelled by hook ${start.cancelled.by} at AGENT_START: ${start.cancelled.reason}`);
      let finalText = "";
      for (let turn = 1; ; turn++) {
        if (turn > this.workspace.loop.maxTurns) {
          return fail(`stopped after ${this.workspace.loop.maxTurns} turns (loop.max_turns) without a final answer`);
        }
        const turnStart = await this.hooks("TURN_START", { agent_name: agent.name, turn_number: turn }, agent.name, emit, signal);
        if (turnStart.cancelled) return fail(`turn ${turn} was cancelled by hook ${turnStart.cancelled.by}: ${turnStart.cancelled.reason}`);
        const { defs, owner } = this.toolsFor(agent);
        const request0 = {
          model: agent.model,
          messages,
          tools: defs,
          ...(agent.temperature !== undefined ? { temperature: agent.temperature } : {}),
          ...(agent.maxTokens !== undefined ? { max_tokens: agent.maxTokens } : {}),
        };
        const llmRequest = await this.hooks("LLM_REQUEST", request0, agent.name, emit, signal);
        if (llmRequest.cancelled) return fail(`the LLM request was cancelled by hook ${llmRequest.cancelled.by}: ${llmRequest.cancelled.reason}`);
        const sent = llmRequest.payload;

        // Complete, streamed: each delta is a content event as it arrives.
        const assembler = new CompletionAssembler();
        try {
          const driver = this.plugins.driver(agent.llm);
          await this.plugins.call(agent.llm, "Complete", async () => {
            for await (const event of driver.streamCompletion(
              {
                model: sent.model,
                messages: sent.messages.map((m) => ({
                  role: m.role,
                  content: m.content,
                  toolCalls: (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.name, argumentsJson: c.arguments_json })),
                  ...(m.tool_call_id !== undefined ? { toolCallId: m.tool_call_id } : {}),
                })),
                availableTools: (sent.tools ?? []).map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters_json_schema })),
                ...(sent.temperature !== undefined ? { temperature: sent.temperature } : {}),
                ...(sent.max_tokens !== undefined ? { maxTokens: sent.max_tokens } : {}),
              },
              { signal, timeoutMs },
            )) {
              assembler.push(event);
              if (event.event.case === "delta" && event.event.value.content !== "") emit({ type: "content", agent: agent.name, content: event.event.value.content });
            }
          });
        } catch (err) {
          if (signal.aborted) return "canceled";
          return fail(messageOf(err));
        }
        const completion = assembler.result();
        const finishReason = completion.finishReason === FinishReason.TOOL_USE ? "tool_use" : completion.finishReason === FinishReason.MAX_TOKENS ? "max_tokens" : "stop";
        const response = await this.hooks(
          "LLM_RESPONSE",
          { content: completion.text, tool_calls: completion.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments_json: c.arguments })), finish_reason: finishReason },
          agent.name,
          emit,
          signal,
        );
        if (response.cancelled) return fail(`the LLM response was cancelled by hook ${response.cancelled.by}: ${response.cancelled.reason}`);
        const answer = response.payload;
        messages.push({ role: "assistant", content: answer.content, tool_calls: [...answer.tool_calls] });
        finalText = answer.content;

        let handedTo: WorkspaceAgent | undefined;
        for (const call of answer.tool_calls) {
          if (call.name.startsWith(handoffPrefix) && agent.handoffs.includes(call.name.slice(handoffPrefix.length))) {
            const to = this.agent(call.name.slice(handoffPrefix.length));
            let context = "";
            try {
              const args = parseJson(call.arguments_json || "{}") as { context?: unknown };
              context = typeof args.context === "string" ? args.context : "";
            } catch {
              context = "";
            }
            const handoff = await this.hooks("HANDOFF", { from_agent: agent.name, to_agent: to.name, context }, agent.name, emit, signal);
            if (handoff.cancelled) {
              const result = JSON.stringify({ error: `the handoff to ${to.name} was cancelled by hook ${handoff.cancelled.by}: ${handoff.cancelled.reason}` });
              emit({ type: "tool_result", agent: agent.name, tool: call.name, result, is_error: true });
              messages.push({ role: "tool", content: result, tool_calls: [], tool_call_id: call.id });
              continue;
            }
            emit({ type: "handoff", agent: agent.name, target: to.name, content: context });
            messages.push({ role: "tool", content: JSON.stringify({ handed_off_to: to.name }), tool_calls: [], tool_call_id: call.id });
            handedTo = to;
            continue;
          }
          const toolCall = await this.hooks("TOOL_CALL", { tool_name: call.name, arguments_json: call.arguments_json }, agent.name, emit, signal);
          let resultJson: string;
          let isError: boolean;
          if (toolCall.cancelled) {
            emit({ type: "tool_call", agent: agent.name, tool: call.name, args: call.arguments_json });
            resultJson = JSON.stringify({ error: `the call was cancelled by hook ${toolCall.cancelled.by}: ${toolCall.cancelled.reason}` });
            isError = true;
          } else {
            const args = toolCall.payload.arguments_json;
            emit({ type: "tool_call", agent: agent.name, tool: call.name, args });
            const plugin = owner.get(call.name);
            if (plugin === undefined) {
              resultJson = JSON.stringify({ error: `no tool "${call.name}" is available to agent ${agent.name} (it has ${[...owner.keys()].join(", ") || "none"})` });
              isError = true;
            } else {
              try {
                const answer = await this.plugins.call(plugin, "ExecuteTool", () =>
                  this.plugins.driver(plugin).clients.tools.executeTool({ name: call.name, argumentsJson: args }, { signal, timeoutMs }),
                );
                resultJson = answer.resultJson;
                isError = answer.isError;
              } catch (err) {
                if (signal.aborted) return "canceled";
                emit({ type: "error", agent: agent.name, error_message: messageOf(err), is_error: true });
                resultJson = JSON.stringify({ error: messageOf(err) });
                isError = true;
              }
            }
            const toolResult = await this.hooks("TOOL_RESULT", { tool_name: call.name, result_json: resultJson, is_error: isError }, agent.name, emit, signal);
            if (toolResult.cancelled) {
              resultJson = JSON.stringify({ error: `the result was withheld by hook ${toolResult.cancelled.by}: ${toolResult.cancelled.reason}` });
              isError = true;
            } else {
              resultJson = toolResult.payload.result_json;
              isError = toolResult.payload.is_error;
            }
          }
          emit({ type: "tool_result", agent: agent.name, tool: call.name, result: resultJson, is_error: isError });
          messages.push({ role: "tool", content: resultJson, tool_calls: [], tool_call_id: call.id });
        }
        const turnEnd = await this.hooks("TURN_END", { agent_name: agent.name, turn_number: turn }, agent.name, emit, signal);
        if (handedTo !== undefined) {
          await this.hooks("AGENT_END", { agent_name: agent.name, input: request.input }, agent.name, emit, signal);
          agent = handedTo;
          messages[0] = { role: "system", content: agent.instructions, tool_calls: [] };
          const started = await this.hooks("AGENT_START", { agent_name: agent.name, input: request.input }, agent.name, emit, signal);
          if (started.cancelled) return fail(`agent ${agent.name} was cancelled by hook ${started.cancelled.by} at AGENT_START: ${started.cancelled.reason}`);
          continue;
        }
        if (turnEnd.cancelled) return fail(`the conversation was cancelled by hook ${turnEnd.cancelled.by} at TURN_END: ${turnEnd.cancelled.reason}`);
        if (answer.tool_calls.length === 0) break;
      }
      await this.hooks("AGENT_END", { agent_name: agent.name, input: request.input }, agent.name, emit, signal);
      emit({ type: "finish", agent: agent.name, content: finalText });
      return "completed";
    } catch (err) {
      if (signal.aborted) return "canceled";
      return fail(messageOf(err));
    }
  }
}
