import type { AnyTaskDefinition, OutputsOf } from "./task-definition.js";
import type { LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { AllOptional } from "./literals/index.js";
import {
  failedResource,
  type FailedTaskResource,
  type FailureDetails,
  type ResultDetails,
  type SucceededTaskResource,
} from "./task-resource.js";

/** `succeeded()`'s arguments: the outputs may be left out when the task declares none that are required. */
type SucceededArgs<Outputs> = AllOptional<Outputs> extends true
  ? [outputs?: Outputs | LiteralMap, details?: ResultDetails]
  : [outputs: Outputs | LiteralMap, details?: ResultDetails];

/**
 * What async and sync agents share: the task they serve and the result helpers. The helpers are methods
 * (not free functions) so that TypeScript checks `this.succeeded(outputs)` against the task's output types
 * right at the call, with a one-line error on the wrong field.
 */
export abstract class AgentBase<Task extends AnyTaskDefinition> {
  /** The agent's name in `ListAgents`, e.g. "Batch Job Agent". Several task types may share one name. */
  abstract readonly name: string;
  /** The task type this agent serves and its inputs and outputs, from `defineTask`. */
  abstract readonly task: Task;
  /**
   * Inputs Propeller offloaded to blob storage (above its inline size threshold) arrive as
   * `{ offloaded: { uri, sizeBytes, inferredType } }` markers for the agent to fetch, instead of being
   * refused with UNIMPLEMENTED. Default: false.
   */
  readonly acceptOffloadedInputs?: boolean;

  /** SUCCEEDED with the task's outputs (checked against its declared output types). */
  protected succeeded(...[outputs, details]: SucceededArgs<OutputsOf<Task>>): SucceededTaskResource<OutputsOf<Task>> {
    return { ...details, phase: "SUCCEEDED", ...(outputs === undefined ? {} : { outputs }) };
  }

  /**
   * FAILED with a message and an agent error (RETRYABLE_FAILED with `recoverable: true`): the same answer
   * as throwing a `TaskFailure`.
   */
  protected failed(message: string, details: FailureDetails = {}): FailedTaskResource {
    return failedResource(message, details);
  }

  /** ABORTED: the job was cancelled outside Flyte (Propeller shows it as a failure). */
  protected aborted(details: ResultDetails = {}): FailedTaskResource {
    return { ...details, phase: "ABORTED" };
  }
}
