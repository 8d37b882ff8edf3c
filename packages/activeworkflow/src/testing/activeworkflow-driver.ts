import { AgentwireError, isJsonObject, messageOf, stringifyJson, type JsonObject } from "@agentwire/core";
import type { AgentHandler, AnyRemoteHttpAgent } from "../agent-handler.js";
import { cloneJson } from "../json-values.js";
import type { AwMessage } from "../wire-format.js";
import type { AgentInstance, AgentInstanceInit } from "./agent-instance.js";
import { createHttpTransport, createInProcessTransport, type AgentTransport, type HmacSigning, type InProcessTransportOptions } from "./agent-transport.js";
import { applyResult } from "./apply-result.js";
import { checkTimeZone, messageRecord, registerRequest, type CallRequest } from "./aw-records.js";
import { checkRegistration, type RegisterOutcome } from "./check-registration.js";
import type { DriverWarning } from "./driver-warning.js";

/** How the driver behaves, whatever it drives: the ActiveWorkflow it plays. */
export interface ActiveWorkflowDriverSettings {
  /** Owner of created instances and messages. Default: 1. */
  userId?: number;
  /**
   * The zone of ActiveWorkflow's server, as an IANA name (`"America/Los_Angeles"`, `"Europe/Berlin"`):
   * ActiveWorkflow writes message timestamps in its `TIMEZONE` (a Rails zone name; its default "Pacific
   * Time (US & Canada)" is `"America/Los_Angeles"`), with that zone's offset on that day, daylight saving
   * time included. Default: this process's local zone (`TZ`).
   */
  timeZone?: string;
  /** The clock for timestamps. Default: `() => new Date()`. */
  now?: () => Date;
  /** Throw (an `AgentwireError` listing them) on any warning instead of only reporting it. Default: false. */
  strict?: boolean;
}

/** An agent in this process, driven without a port through the same handler `serve` uses. */
export interface InProcessDriverOptions extends ActiveWorkflowDriverSettings, InProcessTransportOptions {
  agent: AnyRemoteHttpAgent | AgentHandler;
}

/** A running agent server (yours, a Python or Ruby one), over real HTTP with ActiveWorkflow's headers. */
export interface NetworkDriverOptions extends ActiveWorkflowDriverSettings {
  /** The agent's URL, e.g. `http://127.0.0.1:4567/digest` (`server.agents[i].url`). */
  url: string;
  /** Extra headers on each call, e.g. the `Authorization` a proxy in front of the agent would add. Default: none. */
  headers?: Record<string, string>;
  /** Sign each body as `serve({ auth: { hmac } })` checks it (ActiveWorkflow itself never signs). Default: off. */
  hmac?: HmacSigning;
  /**
   * How long the driver waits for an answer: Net::HTTP's read timeout, which ActiveWorkflow leaves at its
   * 60 s default (it sends no deadline of its own). When it passes, the call ends as a `transport_error`,
   * as ActiveWorkflow's job raises `Net::ReadTimeout`. Default: 60 000.
   */
  callTimeoutMs?: number;
}

/** Any `AgentTransport` of your own: a recorder, a proxy. */
export interface TransportDriverOptions extends ActiveWorkflowDriverSettings {
  transport: AgentTransport;
}

/** What `createActiveWorkflowDriver` takes: where the agent is (exactly one target), plus the driver's settings. */
export type ActiveWorkflowDriverOptions = InProcessDriverOptions | NetworkDriverOptions | TransportDriverOptions;

/** What one `check` or `receive` did: the request sent, the answer, and its effect as ActiveWorkflow would apply it. */
export interface CallOutcome {
  method: "check" | "receive";
  /**
   * True when the instance is disabled: ActiveWorkflow's job does nothing for a disabled agent, so no
   * request was sent, nothing was logged and memory is as it was (`status` and `body` are undefined).
   */
  skipped: boolean;
  /** The body sent, as ActiveWorkflow builds it (for a skipped call, the body it would have sent). */
  request: CallRequest;
  /** Undefined when no answer came (`transport_error`) or the call was skipped. */
  status: number | undefined;
  body: string | undefined;
  /** The `result` as received. */
  result: unknown;
  /** `errors` stored in the agent's log during this call. */
  errors: string[];
  /** `logs` stored during this call. */
  logs: string[];
  /** Payloads of the messages ActiveWorkflow created. */
  messages: JsonObject[];
  /** The instance's memory after the call. */
  memory: JsonObject;
  memoryReplaced: boolean;
  warnings: DriverWarning[];
  /** Whether ActiveWorkflow's job would have raised (and been retried). */
  failed: boolean;
}

/** Where the message a `receive` carries comes from, and any fields to set on its record. */
export interface ReceiveOptions {
  /** The emitting agent (its id becomes `agent_id`). Default: a stand-in source agent of the driver. */
  from?: AgentInstance | number;
  /** Fields of the message record to set or override (`id`, `created_at`, `expires_at`, extra keys). */
  message?: Partial<AwMessage>;
}

/**
 * Drives one remote agent type the way ActiveWorkflow does: `register` as at boot, then `check` and
 * `receive` for instances that keep their memory between calls, with request bodies shaped exactly as
 * `lib/remote_agents.rb` builds them and answers applied in its order (errors → logs → memory → messages).
 * Anything the real client would choke on is reported as a `DriverWarning`, with what ActiveWorkflow
 * would have done. Numbers travel exactly, both ways, as ActiveWorkflow's Ruby JSON keeps them.
 *
 * Made with `createActiveWorkflowDriver`.
 */
export class ActiveWorkflowDriver {
  readonly transport: AgentTransport;
  private readonly options: ActiveWorkflowDriverSettings;
  private nextAgentId = 1;
  private nextMessageId = 1;
  private sourceAgentId: number | undefined;
  private registered: RegisterOutcome | undefined;

  constructor(options: ActiveWorkflowDriverOptions) {
    // The types say one target; a JavaScript caller (or a spread that dropped one) may still give none or two.
    const targets: { agent?: unknown; url?: unknown; transport?: unknown } = options;
    const given = (["agent", "url", "transport"] as const).filter((key) => targets[key] !== undefined);
    if (given.length !== 1) {
      throw new AgentwireError(
        "invalid_argument",
        `createActiveWorkflowDriver needs exactly one of \`agent\` (in-process), \`url\` (HTTP) or \`transport\`; got ${given.length === 0 ? "none" : given.join(" and ")}`,
      );
    }
    checkTimeZone(options.timeZone);
    this.options = options;
    if ("transport" in options) {
      this.transport = options.transport;
    } else if ("url" in options) {
      const timeoutMs = options.callTimeoutMs;
      if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
        throw new AgentwireError(
          "invalid_argument",
          `callTimeoutMs must be a positive number of milliseconds, e.g. 60000 (Net::HTTP's read timeout); got ${String(timeoutMs)}`,
        );
      }
      this.transport = createHttpTransport(options.url, {
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        ...(options.callTimeoutMs === undefined ? {} : { timeoutMs: options.callTimeoutMs }),
        ...(options.hmac === undefined ? {} : { hmac: options.hmac }),
      });
    } else {
      this.transport = createInProcessTransport({ agent: options.agent }, options.logger === undefined ? {} : { logger: options.logger });
    }
  }

  private get userId(): number {
    return this.options.userId ?? 1;
  }

  private throwIfStrict(warnings: DriverWarning[]): void {
    if (!this.options.strict || warnings.length === 0) return;
    throw new AgentwireError(
      "failed_precondition",
      `ActiveWorkflow would choke on ${this.transport.target}'s answer: ${warnings.map((w) => `[${w.code}] ${w.message} (${w.aw})`).join("; ")}`,
      { details: { warnings } },
    );
  }

  /** Sends any body (for testing refusals): status and text as they came. */
  async sendRaw(body: string): Promise<{ status: number; body: string }> {
    return this.transport.post(body);
  }

  /**
   * Calls `register` `times` times (ActiveWorkflow calls it once per booting process, 5–6 times for one
   * container; default 1) and checks the answers as ActiveWorkflow's boot would.
   */
  async register(options: { times?: number } = {}): Promise<RegisterOutcome> {
    const responses: Array<{ status: number; body: string }> = [];
    const times = Math.max(1, options.times ?? 1);
    for (let i = 0; i < times; i++) {
      try {
        responses.push(await this.transport.post(stringifyJson(registerRequest)!));
      } catch (err) {
        const outcome: RegisterOutcome = {
          registration: undefined,
          responses,
          failed: true,
          warnings: [
            {
              code: "transport_error",
              method: "register",
              message: `no answer from ${this.transport.target}: ${messageOf(err)}`,
              aw: "the ActiveWorkflow process fails to boot (start agents before ActiveWorkflow)",
              fatal: true,
            },
          ],
        };
        this.throwIfStrict(outcome.warnings);
        return outcome;
      }
    }
    const outcome = checkRegistration(responses);
    this.registered = outcome;
    this.throwIfStrict(outcome.warnings);
    return outcome;
  }

  /**
   * An agent instance as a user would create it. Options default to the type's `default_options`
   * (calling `register` once if it has not been called).
   */
  async createInstance(init: AgentInstanceInit = {}): Promise<AgentInstance> {
    let options = init.options;
    let name = init.name;
    if (options === undefined || name === undefined) {
      const registration = (this.registered ?? (await this.register())).registration;
      options ??= isJsonObject(registration?.default_options) ? registration.default_options : {};
      name ??= typeof registration?.display_name === "string" ? registration.display_name : this.transport.target;
    }
    const id = init.id ?? this.nextAgentId++;
    this.nextAgentId = Math.max(this.nextAgentId, id + 1);
    return {
      id,
      name,
      userId: init.userId ?? this.userId,
      options: cloneJson(options),
      memory: cloneJson(init.memory ?? {}),
      credentials: (init.credentials ?? []).map((c) => ({ ...c })),
      disabled: init.disabled ?? false,
      log: [],
    };
  }

  /**
   * `check`, as a schedule tick or the Run button sends it (`message: null`). A disabled instance gets no
   * call: the outcome says `skipped`.
   */
  async check(instance: AgentInstance): Promise<CallOutcome> {
    return this.call(instance, "check", null);
  }

  /**
   * `receive` with one message (ActiveWorkflow sends one per call) carrying `payload`. A disabled instance
   * gets no call: the outcome says `skipped`.
   */
  async receive(instance: AgentInstance, payload: JsonObject, options: ReceiveOptions = {}): Promise<CallOutcome> {
    const from = options.from;
    const agentId = typeof from === "number" ? from : from !== undefined ? from.id : (this.sourceAgentId ??= this.nextAgentId++);
    const id = typeof options.message?.id === "number" ? options.message.id : this.nextMessageId++;
    this.nextMessageId = Math.max(this.nextMessageId, id + 1);
    const record: AwMessage = {
      ...messageRecord({
        id,
        userId: instance.userId,
        agentId,
        payload: cloneJson(payload),
        at: (this.options.now ?? (() => new Date()))(),
        timeZone: this.options.timeZone,
      }),
      ...options.message,
    };
    return this.call(instance, "receive", record);
  }

  private async call(instance: AgentInstance, method: "check" | "receive", message: AwMessage | null): Promise<CallOutcome> {
    const request: CallRequest = {
      method,
      params: {
        options: cloneJson(instance.options),
        memory: cloneJson(instance.memory),
        credentials: instance.credentials.map(({ name, value }) => ({ name, value })),
        message,
      },
    };
    const base = { method, skipped: false, request, result: undefined, errors: [], logs: [], messages: [], memoryReplaced: false };
    if (instance.disabled) {
      // AgentCheckJob and AgentReceiveJob return at once for a disabled agent: no call, no log, no change.
      return { ...base, skipped: true, status: undefined, body: undefined, memory: instance.memory, warnings: [], failed: false };
    }
    let answer: { status: number; body: string };
    try {
      answer = await this.transport.post(stringifyJson(request)!);
    } catch (err) {
      const text = `no answer from ${this.transport.target}: ${messageOf(err)}`;
      instance.log.push({ level: 4, message: `Exception during ${method}. ${text}` });
      const outcome: CallOutcome = {
        ...base,
        status: undefined,
        body: undefined,
        memory: instance.memory,
        failed: true,
        warnings: [{ code: "transport_error", method, message: text, aw: "the job raises and is retried up to 5 times", fatal: true }],
      };
      this.throwIfStrict(outcome.warnings);
      return outcome;
    }
    const applied = applyResult(instance, method, answer.status, answer.body);
    const outcome: CallOutcome = { ...base, ...applied, status: answer.status, body: answer.body, memory: instance.memory };
    this.throwIfStrict(outcome.warnings);
    return outcome;
  }
}

/**
 * The way to test an ActiveWorkflow agent: an `ActiveWorkflowDriver` for exactly one target. `{ agent }`
 * drives it in-process (no port) through the handler `serve` uses, `{ url }` drives a running server over
 * HTTP with ActiveWorkflow's headers (and `headers`, `hmac`, `callTimeoutMs`), `{ transport }` anything
 * else (a recorder, a proxy); the settings (`timeZone`, `now`, `userId`, `strict`) go with any of them.
 *
 * ```ts
 * import { expect } from "vitest";
 * import type { RemoteHttpAgent } from "@agentwire/activeworkflow";
 * import { createActiveWorkflowDriver } from "@agentwire/activeworkflow/testing";
 *
 * declare const digestAgent: RemoteHttpAgent;
 * const driver = createActiveWorkflowDriver({ agent: digestAgent, timeZone: "America/Los_Angeles" });
 * expect((await driver.register({ times: 6 })).warnings).toEqual([]);
 * const digest = await driver.createInstance({ options: { max_items: 2 } });
 * await driver.receive(digest, { id: 12345678901234567891n, title: "a" });
 * const run = await driver.check(digest);
 * expect(run.messages).toEqual([{ count: 1, items: [{ id: 12345678901234567891n, title: "a" }] }]);
 * expect(run.warnings).toEqual([]);
 * ```
 */
export function createActiveWorkflowDriver(options: ActiveWorkflowDriverOptions): ActiveWorkflowDriver {
  return new ActiveWorkflowDriver(options);
}
