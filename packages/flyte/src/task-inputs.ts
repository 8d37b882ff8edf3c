import { create, equals } from "@bufbuild/protobuf";
import { AgentwireError } from "@agentwire/core";
import type { RegisteredAgent } from "./agent-registry.js";
import { LiteralMapSchema, type LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
import { LiteralTypeSchema } from "./gen/flyteidl/core/types_pb.js";
import { fromLiteral, fromLiteralMap, LiteralTypeError, OffloadedLiteralError, toLiteral } from "./literals/index.js";

/**
 * The inputs of a CreateTask or ExecuteTaskSync as the agent reads them. They are decoded with the
 * template's interface (what Propeller sends), then each input the task declares is checked: present,
 * and fitting the declared type. Where the template declares another type for it (or none), the value
 * is converted to the declared type, so `ctx.inputs` always holds what the task's types say (an ISO string
 * the template calls a string becomes a `Date` for a declared datetime). Every refusal is
 * INVALID_ARGUMENT naming the input; an offloaded input is UNIMPLEMENTED unless the agent accepts them.
 */
export function decodeInputs(r: RegisteredAgent, template: TaskTemplate, inputs: LiteralMap | undefined): Record<string, unknown> {
  const task = r.category.name;
  const decodedWith = template.interface?.inputs ?? r.inputVariables;
  let values: Record<string, unknown>;
  try {
    values = fromLiteralMap(inputs ?? create(LiteralMapSchema), decodedWith, {
      direction: "input",
      offloaded: r.agent.acceptOffloadedInputs ? "marker" : "refuse",
    });
  } catch (err) {
    if (err instanceof LiteralTypeError) throw invalid(`task type ${task}: ${err.message}`);
    if (err instanceof OffloadedLiteralError) {
      throw new AgentwireError(
        "unimplemented",
        `task type ${task}: input "${err.variable}" is offloaded to blob storage (${err.uri}, ${err.sizeBytes} bytes); ` +
          `set \`acceptOffloadedInputs = true\` on ${r.agent.constructor.name} to receive it as a marker and fetch it`,
        { cause: err },
      );
    }
    throw err;
  }
  for (const [name, variable] of Object.entries(r.inputVariables?.variables ?? {})) {
    const type = variable.type;
    if (!(name in values)) {
      throw invalid(`task type ${task}: missing input "${name}"; the task's interface must declare it and the inputs must carry a value`);
    }
    // Decoding already checked the value against the type it was decoded with; where that is the
    // declared type there is nothing left to do.
    const decodedAs = decodedWith?.variables[name]?.type;
    if (type === undefined || decodedAs === type || (decodedAs !== undefined && equals(LiteralTypeSchema, decodedAs, type))) continue;
    if (r.agent.acceptOffloadedInputs && isOffloadedMarker(values[name])) continue;
    try {
      values[name] = fromLiteral(toLiteral(values[name], type, name), type, name);
    } catch (err) {
      if (err instanceof LiteralTypeError) throw invalid(`task type ${task}: ${err.message}`);
      throw err;
    }
  }
  return values;
}

function isOffloadedMarker(value: unknown): boolean {
  return typeof value === "object" && value !== null && "offloaded" in value && Object.keys(value).length === 1;
}

function invalid(message: string): AgentwireError {
  return new AgentwireError("invalid_argument", message);
}
