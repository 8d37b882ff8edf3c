import { LiteralTypeError, type Direction } from "./literal-type-error.js";

/** Options shared by the encoder and the decoder. */
export interface CodecOptions {
  /** Says which side the values are on, for error messages. Default `"input"`. */
  direction?: Direction;
}

/** Decoder options. */
export interface DecodeOptions extends CodecOptions {
  /**
   * What to do with an offloaded literal (a pointer to blob storage that Propeller sends in place of a
   * large value). `"refuse"` throws an {@link OffloadedLiteralError}; `"marker"` returns
   * `{ offloaded: { uri, sizeBytes, inferredType } }` in the value's place. Default `"refuse"`.
   */
  offloaded?: "refuse" | "marker";
}

/** Throws a LiteralTypeError in the caller's direction; `never` lets call sites stay expressions. */
export function refuse(
  options: CodecOptions,
  variable: string,
  expected: string,
  received: string,
  hint?: string,
  cause?: unknown,
): never {
  throw new LiteralTypeError({ variable, expected, received, direction: options.direction ?? "input", hint, cause });
}
