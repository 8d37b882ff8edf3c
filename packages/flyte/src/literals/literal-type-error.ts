import { AgentwireError } from "@agentwire/core";

/**
 * Which side of the task a value belongs to. It only changes the first word of an error message, but
 * that word tells the reader whether to fix the workflow that passed the value (`input`) or the agent
 * that produced it (`output`).
 */
export type Direction = "input" | "output";

/** What a {@link LiteralTypeError} is built from. */
export interface LiteralTypeErrorInit {
  /** Path to the offending value: `script`, `items[2]`, `config.key`. Empty for the map as a whole. */
  variable: string;
  /** The declared type, in words: `integer`, `list<string>`, `enum {A, B}`. */
  expected: string;
  /** What arrived, in words: `string "abc"`, `number 1.5`, `null`, `nothing`. */
  received: string;
  /** Defaults to `"input"`. */
  direction?: Direction;
  /** One sentence telling the user how to fix it; appended to the message. */
  hint?: string;
  cause?: unknown;
}

/**
 * A value that does not fit its declared Flyte type (or a literal that does not decode as its declared
 * type). The message names the variable path, the expected type, what arrived, and, where there is
 * one, the fix. The code is `invalid_argument`, so the gRPC layer answers `InvalidArgument`. (Propeller
 * still counts any CreateTask error as a retryable failure of the attempt; the message is what the user
 * sees.)
 *
 * ```ts
 * // input "items[2]": expected integer, got string "abc". Pass a whole number (a bigint beyond ±2^53).
 * throw new LiteralTypeError({ variable: "items[2]", expected: "integer", received: 'string "abc"',
 *   hint: "Pass a whole number (a bigint beyond ±2^53)." });
 * ```
 */
export class LiteralTypeError extends AgentwireError {
  /** `instanceof LiteralTypeError` answers for this class and its subclasses only (see `AgentwireError`). */
  static override readonly brand: string = "agentwire.flyte.LiteralTypeError";
  readonly variable: string;
  readonly expected: string;
  readonly received: string;
  readonly direction: Direction;
  readonly hint: string | undefined;

  constructor(init: LiteralTypeErrorInit) {
    const direction = init.direction ?? "input";
    const subject = init.variable === "" ? `${direction}s` : `${direction} ${JSON.stringify(init.variable)}`;
    let message = `${subject}: expected ${init.expected}, got ${init.received}`;
    if (init.hint !== undefined && init.hint !== "") message += `. ${init.hint}`;
    super("invalid_argument", message, {
      cause: init.cause,
      details: { variable: init.variable, expected: init.expected, received: init.received, direction },
    });
    this.name = "LiteralTypeError";
    this.variable = init.variable;
    this.expected = init.expected;
    this.received = init.received;
    this.direction = direction;
    this.hint = init.hint;
  }
}
