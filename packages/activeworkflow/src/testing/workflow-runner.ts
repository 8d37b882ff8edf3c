import { AgentwireError, type JsonObject } from "@agentwire/core";
import type { AwMessage } from "../wire-format.js";
import type { AgentInstance, AgentInstanceInit } from "./agent-instance.js";
import type { ActiveWorkflowDriver, CallOutcome } from "./activeworkflow-driver.js";
import { checkTimeZone, messageRecord } from "./aw-records.js";
import type { DriverWarning } from "./driver-warning.js";

export interface WorkflowRunnerOptions {
  /** Calls (checks and receives) one run may make before it stops; guards against loops. Default: 100. */
  maxSteps?: number;
  /**
   * ActiveWorkflow's server zone as an IANA name, for the timestamps of the messages the run creates (see
   * the driver's `timeZone`). Default: this process's local zone (`TZ`).
   */
  timeZone?: string;
  /** Default: `() => new Date()`. */
  now?: () => Date;
}

/** One call the run made; or, when the run was started on a disabled agent, the call it skipped (`outcome.skipped`). */
export interface WorkflowStep {
  /** 1-based. */
  step: number;
  agent: AgentInstance;
  method: "check" | "receive";
  /** The message a `receive` delivered. */
  message?: AwMessage;
  outcome: CallOutcome;
  /** The message records the call created (each delivered to every enabled linked receiver). */
  created: AwMessage[];
}

/** What a run did, in order. */
export interface WorkflowRun {
  steps: WorkflowStep[];
  /** Every message created during the run. */
  messages: AwMessage[];
  /** Every step's warnings, tagged with the step and agent. */
  warnings: Array<DriverWarning & { step: number; agent: string }>;
  /** True when `maxSteps` was reached with deliveries still waiting. */
  stoppedAtMaxSteps: boolean;
  /** Deliveries not made because the run stopped. */
  pending: number;
}

interface Node {
  instance: AgentInstance;
  driver: ActiveWorkflowDriver;
}

/**
 * A small ActiveWorkflow: agent instances (each driven by its type's `ActiveWorkflowDriver`) and links
 * from source to receiver. Running `check` on one agent delivers each message it emits to every enabled
 * receiver linked to it, one `receive` per message (ActiveWorkflow sends one message per call), then
 * does the same for what those emit: breadth-first, as ActiveWorkflow's 1-second propagation roughly
 * orders it, up to `maxSteps` calls.
 *
 * Made with `createWorkflowRunner`.
 */
export class WorkflowRunner {
  private readonly nodes = new Map<number, Node>();
  private readonly links: Array<{ source: number; receiver: number }> = [];
  private nextAgentId = 1;
  private nextMessageId = 1;
  private readonly options: WorkflowRunnerOptions;

  constructor(options: WorkflowRunnerOptions = {}) {
    checkTimeZone(options.timeZone);
    this.options = options;
  }

  /** Creates an instance of the driver's agent type in this workflow (ids are unique across the workflow). */
  async add(driver: ActiveWorkflowDriver, init: Omit<AgentInstanceInit, "id"> = {}): Promise<AgentInstance> {
    const instance = await driver.createInstance({ ...init, id: this.nextAgentId++ });
    this.nodes.set(instance.id, { instance, driver });
    return instance;
  }

  /** Routes every message `source` emits to `receiver`. */
  link(source: AgentInstance, receiver: AgentInstance): this {
    for (const agent of [source, receiver]) {
      if (this.nodes.get(agent.id)?.instance !== agent) {
        throw new AgentwireError("invalid_argument", `agent "${agent.name}" (id ${agent.id}) is not in this workflow: add it with workflow.add first`);
      }
    }
    if (!this.links.some((l) => l.source === source.id && l.receiver === receiver.id)) this.links.push({ source: source.id, receiver: receiver.id });
    return this;
  }

  /**
   * Runs `check` on `agent` (a schedule tick or the Run button) and propagates what it emits. On a disabled
   * agent the run has one step whose outcome is `skipped`, and nothing else happens.
   */
  async check(agent: AgentInstance): Promise<WorkflowRun> {
    return this.run([{ node: this.node(agent), message: undefined }]);
  }

  /**
   * Delivers one message with `payload` to `agent` (as if from outside the workflow) and propagates. A
   * disabled agent gets no call: one step whose outcome is `skipped`.
   */
  async receive(agent: AgentInstance, payload: JsonObject): Promise<WorkflowRun> {
    const node = this.node(agent);
    return this.run([{ node, message: this.record(0, agent.userId, payload) }]);
  }

  private node(agent: AgentInstance): Node {
    const node = this.nodes.get(agent.id);
    if (node?.instance !== agent) {
      throw new AgentwireError("invalid_argument", `agent "${agent.name}" (id ${agent.id}) is not in this workflow: add it with workflow.add first`);
    }
    return node;
  }

  private record(agentId: number, userId: number, payload: JsonObject): AwMessage {
    return messageRecord({
      id: this.nextMessageId++,
      userId,
      agentId,
      payload,
      at: (this.options.now ?? (() => new Date()))(),
      timeZone: this.options.timeZone,
    });
  }

  private async run(queue: Array<{ node: Node; message: AwMessage | undefined }>): Promise<WorkflowRun> {
    const maxSteps = this.options.maxSteps ?? 100;
    const run: WorkflowRun = { steps: [], messages: [], warnings: [], stoppedAtMaxSteps: false, pending: 0 };
    while (queue.length > 0) {
      if (run.steps.length >= maxSteps) {
        run.stoppedAtMaxSteps = true;
        run.pending = queue.length;
        break;
      }
      const { node, message } = queue.shift()!;
      const { instance, driver } = node;
      const outcome =
        message === undefined
          ? await driver.check(instance)
          : await driver.receive(instance, message.payload, { from: message.agent_id ?? 0, message });
      const step: WorkflowStep = {
        step: run.steps.length + 1,
        agent: instance,
        method: message === undefined ? "check" : "receive",
        ...(message === undefined ? {} : { message }),
        outcome,
        created: outcome.messages.map((payload) => this.record(instance.id, instance.userId, payload)),
      };
      run.steps.push(step);
      run.messages.push(...step.created);
      run.warnings.push(...outcome.warnings.map((w) => ({ ...w, step: step.step, agent: instance.name })));
      for (const created of step.created) {
        for (const link of this.links) {
          if (link.source !== instance.id) continue;
          const receiver = this.nodes.get(link.receiver);
          if (receiver && !receiver.instance.disabled) queue.push({ node: receiver, message: created });
        }
      }
    }
    return run;
  }
}

/**
 * Makes a `WorkflowRunner`: instances of agent types (each driven by its own driver) linked as in an
 * ActiveWorkflow workflow, each emitted message delivered to every enabled receiver as one `receive`.
 *
 * ```ts
 * import { expect } from "vitest";
 * import type { RemoteHttpAgent } from "@agentwire/activeworkflow";
 * import { createActiveWorkflowDriver, createWorkflowRunner } from "@agentwire/activeworkflow/testing";
 *
 * declare const feedAgent: RemoteHttpAgent;
 * declare const digestAgent: RemoteHttpAgent;
 * const workflow = createWorkflowRunner();
 * const feed = await workflow.add(createActiveWorkflowDriver({ agent: feedAgent }), { name: "Feed" });
 * const digest = await workflow.add(createActiveWorkflowDriver({ agent: digestAgent }), { name: "Digest" });
 * workflow.link(feed, digest);
 * const run = await workflow.check(feed);
 * expect(run.steps.map((s) => `${s.method} ${s.agent.name}`)).toEqual(["check Feed", "receive Digest", "receive Digest"]);
 * ```
 */
export function createWorkflowRunner(options: WorkflowRunnerOptions = {}): WorkflowRunner {
  return new WorkflowRunner(options);
}
