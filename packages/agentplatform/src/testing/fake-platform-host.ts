// A scriptable fake of the platform's PlatformHost callback service, served on a loopback port and
// in-process, for testing plugins that run conversations (chat relays, tools that ask the agents).
import { createServer } from "node:http2";
import { createRouterTransport, type ConnectRouter, type Transport } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { hostPort, listenGracefully } from "@agentwire/core";
import { toConnectError } from "@agentwire/core/grpc";
import { PlatformHost } from "../gen/agentplatform/v1/platform_pb.js";

/** An event a fake PlatformHost sends: `ConversationEvent`'s fields (camel case), all optional. */
export interface FakeConversationEvent {
  type?: string;
  agent?: string;
  content?: string;
  tool?: string;
  args?: string;
  result?: string;
  isError?: boolean;
  target?: string;
  errorMessage?: string;
}

/** One `RunConversation` the fake received. */
export interface FakeConversationCall {
  readonly workspaceId: string;
  readonly input: string;
  readonly history: readonly { role: string; content: string }[];
  /** `running` until the script ends; `canceled` when the plugin cancelled the call first. */
  readonly state: "running" | "completed" | "canceled" | "failed";
}

/**
 * What the fake answers a conversation with: events (a list or an async generator, which can wait on
 * `signal` to play a long conversation). Throw to fail the call with that error (an `AgentwireError` keeps
 * its code).
 */
export type FakeConversationScript = (
  call: { workspaceId: string; input: string; history: readonly { role: string; content: string }[] },
  context: { signal: AbortSignal },
) => Iterable<FakeConversationEvent> | AsyncIterable<FakeConversationEvent>;

export interface FakePlatformHostOptions {
  /** Default: echo, `{type: "content", agent: "assistant", content: "You said: <input>"}` then `finish`. */
  script?: FakeConversationScript;
  /** Default: 0 (a free port). */
  port?: number;
  /** Default: `127.0.0.1`. */
  host?: string;
}

/** A fake of the platform's `PlatformHost` service. */
export interface FakePlatformHost {
  /** `127.0.0.1:<port>`: what to put in `PLATFORM_HOST_ADDR`. */
  readonly address: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The same service in-process, without the port. */
  readonly transport: Transport;
  /** Every `RunConversation` received, in order. */
  readonly calls: readonly FakeConversationCall[];
  /** Resolves once `count` calls have been received (default: one more than now). */
  waitForCall(count?: number): Promise<FakeConversationCall>;
  /** Resolves once call number `index` (0-based) is received and over: completed, canceled or failed. */
  ended(index: number): Promise<FakeConversationCall>;
  /** Stops the server, cutting calls still running. */
  close(): Promise<void>;
}

/** The fake's default script: echoes the input. */
export const echoConversation: FakeConversationScript = (call) => [
  { type: "content", agent: "assistant", content: `You said: ${call.input}` },
  { type: "finish", agent: "assistant" },
];

/**
 * A fake PlatformHost on a loopback port (and in-process, as `transport`) that records every
 * `RunConversation` and answers it from `script`. Point a plugin at it with `PLATFORM_HOST_ADDR` (in the
 * Register env vars or the process environment) or pass `fake.transport` to `createPlatformHostClient`.
 *
 * ```ts
 * const host = await createFakePlatformHost({
 *   script: ({ input }) => [{ type: "content", agent: "triage", content: `echo ${input}` }, { type: "finish" }],
 * });
 * await driver.register({ envVars: { PLATFORM_HOST_ADDR: host.address } });
 * // ... then: expect(host.calls[0]).toMatchObject({ workspaceId: "ws-1", input: "hello" });
 * await host.close();
 * ```
 */
export async function createFakePlatformHost(options: FakePlatformHostOptions = {}): Promise<FakePlatformHost> {
  const script = options.script ?? echoConversation;
  const calls: (FakeConversationCall & { state: FakeConversationCall["state"] })[] = [];
  const waiters: { count: number; resolve: (call: FakeConversationCall) => void }[] = [];
  const endWaiters = new Set<() => void>();
  const notifyEnded = () => {
    for (const check of [...endWaiters]) check();
  };

  const routes = (router: ConnectRouter) => {
    router.service(PlatformHost, {
      async *runConversation(req, ctx) {
        const call = {
          workspaceId: req.workspaceId,
          input: req.input,
          history: req.history.map((m) => ({ role: m.role, content: m.content })),
          state: "running" as FakeConversationCall["state"],
        };
        calls.push(call);
        for (const waiter of [...waiters]) {
          if (calls.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(calls[waiter.count - 1]!);
          }
        }
        try {
          for await (const event of script({ workspaceId: call.workspaceId, input: call.input, history: call.history }, { signal: ctx.signal })) {
            if (ctx.signal.aborted) break;
            yield event;
          }
          call.state = ctx.signal.aborted ? "canceled" : "completed";
        } catch (err) {
          call.state = ctx.signal.aborted ? "canceled" : "failed";
          throw toConnectError(err);
        } finally {
          // A generator the client stopped reading ends here without an error.
          if (call.state === "running") call.state = "canceled";
          notifyEnded();
        }
      },
    });
  };

  const server = createServer(connectNodeAdapter({ routes }));
  const listening = await listenGracefully(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const address = hostPort(listening.host, listening.port);
  return {
    address,
    url: `http://${address}`,
    port: listening.port,
    transport: createRouterTransport(routes),
    calls,
    waitForCall(count = calls.length + 1) {
      if (calls.length >= count) return Promise.resolve(calls[count - 1]!);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    ended(index) {
      return new Promise((resolve) => {
        const check = () => {
          const call = calls[index];
          if (call === undefined || call.state === "running") return;
          endWaiters.delete(check);
          resolve(call);
        };
        endWaiters.add(check);
        check();
      });
    },
    close: () => listening.close(0),
  };
}
