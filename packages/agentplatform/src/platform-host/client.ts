import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { AgentwireError, messageOf } from "@agentwire/core";
import { PlatformHost, type ConversationEvent as WireConversationEvent } from "../gen/agentplatform/v1/platform_pb.js";
import { platformHostBaseUrl, resolvePlatformHostAddress, type PlatformHostAddress } from "./address.js";

/** A previous turn of the conversation: `ChatMessageProto`. */
export interface ConversationMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

/** `ConversationRequest`: what to run, where. */
export interface RunConversationRequest {
  /** The workspace the conversation runs in (a stream's `metadata.workspaceId`, a render's `workspaceId`). */
  readonly workspaceId: string;
  /** The user's input message. */
  readonly input: string;
  /** Previous turns, oldest first. Default: none. */
  readonly history?: readonly ConversationMessage[];
}

/**
 * One event of a conversation, by `type`. The reference's six types get the fields it says they carry; a
 * type it does not list arrives as `unknown`, with every field, so nothing the platform sends is lost.
 */
export type PlatformConversationEvent =
  /** Streaming text from an agent. */
  | { readonly type: "content"; readonly agent: string; readonly content: string }
  /** An agent is calling a tool; `args` is JSON. */
  | { readonly type: "tool_call"; readonly agent: string; readonly tool: string; readonly args: string }
  | { readonly type: "tool_result"; readonly agent: string; readonly tool: string; readonly result: string; readonly isError: boolean }
  /** An agent hands the conversation to `target`. */
  | { readonly type: "handoff"; readonly agent: string; readonly target: string }
  /** The turn is complete. */
  | { readonly type: "finish"; readonly agent: string }
  | { readonly type: "error"; readonly agent: string; readonly errorMessage: string }
  | {
      readonly type: "unknown";
      /** The `type` the platform sent. */
      readonly rawType: string;
      readonly agent: string;
      readonly content: string;
      readonly tool: string;
      readonly args: string;
      readonly result: string;
      readonly isError: boolean;
      readonly target: string;
      readonly errorMessage: string;
    };

/** Per-call options. */
export interface RunConversationOptions {
  /** Cancels the conversation (pass a stream's or request's signal). */
  signal?: AbortSignal;
  /** Deadline for the whole conversation, in ms. Default: none (conversations can be long). */
  timeoutMs?: number;
}

/** The outcome of `converse`: the agents' text and every event. */
export interface ConversationResult {
  /** The `content` events' text, concatenated. */
  readonly text: string;
  readonly events: readonly PlatformConversationEvent[];
}

/** A client of the platform's `PlatformHost` callback service. */
export interface PlatformHostClient {
  /**
   * Where calls go, resolved now (the Register env vars can change with each Register). Throws when there
   * is no address, naming the places it looked.
   */
  address(): PlatformHostAddress;
  /**
   * Runs an agent conversation in a workspace and yields its events as the platform streams them. An
   * `error` event is yielded like any other; a host that cannot be reached throws UNAVAILABLE naming the
   * address and where it came from.
   */
  runConversation(request: RunConversationRequest, options?: RunConversationOptions): AsyncIterable<PlatformConversationEvent>;
  /**
   * Runs a conversation to its end and collects it. An `error` event throws (an `internal` AgentwireError
   * with the platform's message); use `runConversation` to handle errors as events.
   */
  converse(request: RunConversationRequest, options?: RunConversationOptions): Promise<ConversationResult>;
}

/**
 * Where a client finds the PlatformHost:
 * - a plugin: `PLATFORM_HOST_ADDR` from its last Register's env vars, else from the process environment;
 * - `{ address }`: that address (`host:port` or a URL);
 * - `{ transport }`: a Connect transport of your own (tests: `createFakePlatformHost().transport`).
 */
export type PlatformHostSource =
  | { readonly registered: boolean; readonly env: Readonly<Record<string, string>> }
  | { readonly address: string }
  | { readonly transport: Transport };

export interface PlatformHostClientOptions {
  /** The environment a local plugin's address is read from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const knownTypes = new Set(["content", "tool_call", "tool_result", "handoff", "finish", "error"]);

/** The wire event as its typed form. */
export function toConversationEvent(event: Pick<WireConversationEvent, "type" | "agent" | "content" | "tool" | "args" | "result" | "isError" | "target" | "errorMessage">): PlatformConversationEvent {
  const { agent } = event;
  switch (event.type) {
    case "content":
      return { type: "content", agent, content: event.content };
    case "tool_call":
      return { type: "tool_call", agent, tool: event.tool, args: event.args };
    case "tool_result":
      return { type: "tool_result", agent, tool: event.tool, result: event.result, isError: event.isError };
    case "handoff":
      return { type: "handoff", agent, target: event.target };
    case "finish":
      return { type: "finish", agent };
    case "error":
      return { type: "error", agent, errorMessage: event.errorMessage };
    default:
      if (knownTypes.has(event.type)) throw new Error(`unreachable: ${event.type}`);
      return {
        type: "unknown",
        rawType: event.type,
        agent,
        content: event.content,
        tool: event.tool,
        args: event.args,
        result: event.result,
        isError: event.isError,
        target: event.target,
        errorMessage: event.errorMessage,
      };
  }
}

function checkRequest(request: RunConversationRequest): void {
  if (typeof request.workspaceId !== "string" || request.workspaceId === "") {
    throw new AgentwireError("invalid_argument", "runConversation: workspaceId is empty; pass the workspace to run in (a stream's metadata.workspaceId)");
  }
  if (typeof request.input !== "string") throw new AgentwireError("invalid_argument", "runConversation: input must be a string");
  for (const [i, message] of (request.history ?? []).entries()) {
    if (message.role !== "user" && message.role !== "assistant") {
      throw new AgentwireError("invalid_argument", `runConversation: history[${i}].role is ${JSON.stringify(message.role)}, not "user" or "assistant"`);
    }
  }
}

/**
 * A client of `PlatformHost`, the service the platform serves for its plugins to call back. The address is
 * looked up on each call: a remote plugin gets `PLATFORM_HOST_ADDR` in `RegisterRequest.env_vars`, a local
 * one in its environment, and the Register env vars win when both have it.
 *
 * ```ts
 * const host = createPlatformHostClient(plugin);
 * for await (const event of host.runConversation({ workspaceId, input: "Summarise my open tasks" })) {
 *   if (event.type === "content") process.stderr.write(event.content);
 * }
 * ```
 */
export function createPlatformHostClient(source: PlatformHostSource, options: PlatformHostClientOptions = {}): PlatformHostClient {
  const transports = new Map<string, Transport>();

  const address = (): PlatformHostAddress => {
    if ("transport" in source) return { address: "(transport)", baseUrl: "", source: "option" };
    if ("address" in source) return { address: source.address, baseUrl: platformHostBaseUrl(source.address, "option"), source: "option" };
    return resolvePlatformHostAddress({ registerEnv: source.registered ? source.env : undefined, processEnv: options.env ?? process.env });
  };

  // connect-node is loaded on the first call back, not when the plugin starts: a local plugin's start-up
  // (spawn to handshake) does not pay for a client most plugins never use.
  const connect = async (): Promise<{ transport: Transport; where: PlatformHostAddress }> => {
    if ("transport" in source) return { transport: source.transport, where: address() };
    const where = address();
    let transport = transports.get(where.baseUrl);
    if (transport === undefined) {
      const { createGrpcTransport } = await import("@connectrpc/connect-node");
      transport = createGrpcTransport({ baseUrl: where.baseUrl });
      transports.set(where.baseUrl, transport);
    }
    return { transport, where };
  };

  const describe = (where: PlatformHostAddress): string =>
    where.source === "option" ? where.address : `${where.address} (PLATFORM_HOST_ADDR from the ${where.source === "register" ? "Register env vars" : "process environment"})`;

  async function* runConversation(request: RunConversationRequest, callOptions: RunConversationOptions = {}): AsyncGenerator<PlatformConversationEvent> {
    checkRequest(request);
    const { transport, where } = await connect();
    const client = createClient(PlatformHost, transport);
    try {
      const stream = client.runConversation(
        {
          workspaceId: request.workspaceId,
          input: request.input,
          history: (request.history ?? []).map((m) => ({ role: m.role, content: m.content })),
        },
        { signal: callOptions.signal, timeoutMs: callOptions.timeoutMs },
      );
      for await (const event of stream) yield toConversationEvent(event);
    } catch (err) {
      if (err instanceof ConnectError && err.code === Code.Unavailable && !callOptions.signal?.aborted) {
        throw new AgentwireError("unavailable", `PlatformHost at ${describe(where)} is unreachable: ${err.rawMessage}`, { cause: err });
      }
      throw err;
    }
  }

  return {
    address,
    runConversation,
    async converse(request, callOptions) {
      const events: PlatformConversationEvent[] = [];
      let text = "";
      for await (const event of runConversation(request, callOptions)) {
        events.push(event);
        if (event.type === "content") text += event.content;
        if (event.type === "error") {
          throw new AgentwireError("internal", `the platform's conversation failed${event.agent ? ` (agent ${event.agent})` : ""}: ${event.errorMessage || "no message"}`);
        }
      }
      return { text, events };
    },
  };
}

/** For logs and browser frames: what a thrown error from `runConversation` says. */
export function conversationErrorMessage(err: unknown): string {
  return err instanceof ConnectError ? err.rawMessage : messageOf(err);
}
