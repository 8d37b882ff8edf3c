import { AgentwireError } from "@agentwire/core";
import type { Literal } from "../gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "../gen/flyteidl/core/types_pb.js";
import type { Direction } from "./literal-type-error.js";

/**
 * What `fromLiteral` returns for an offloaded literal when asked for markers instead of errors
 * (`{ offloaded: "marker" }`). Propeller offloads literals above its size threshold to blob storage and
 * sends only this pointer; the bytes at `uri` are a serialized `flyteidl.core.Literal`.
 */
export interface OffloadedMarker {
  offloaded: {
    uri: string;
    sizeBytes: number;
    /** The type Propeller recorded for the value, when it recorded one. */
    inferredType: LiteralType | undefined;
  };
}

/**
 * An offloaded literal reached a decoder that was not asked to tolerate it. The codec does not fetch
 * from blob storage (it has no credentials and should not block on I/O), so by default it refuses with
 * this error, which carries the pointer and the raw literal for an agent that wants to fetch it itself.
 *
 * ```ts
 * try { fromLiteralMap(inputs, iface.inputs); }
 * catch (e) { if (e instanceof OffloadedLiteralError) await fetchFromStore(e.uri); else throw e; }
 * ```
 */
export class OffloadedLiteralError extends AgentwireError {
  /** `instanceof OffloadedLiteralError` answers for this class and its subclasses only (see `AgentwireError`). */
  static override readonly brand: string = "agentwire.flyte.OffloadedLiteralError";
  readonly variable: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly literal: Literal;

  constructor(variable: string, literal: Literal, uri: string, sizeBytes: number, direction: Direction = "input") {
    super(
      "unimplemented",
      `${direction} ${JSON.stringify(variable)}: the literal is offloaded to blob storage (uri ${uri}, ${sizeBytes} bytes) ` +
        "and this SDK does not fetch offloaded literals. Fetch the bytes at the uri and decode them as a " +
        'flyteidl.core.Literal yourself, or pass { offloaded: "marker" } to get { offloaded: { uri, sizeBytes } } ' +
        "in place of the value",
      { details: { variable, uri, sizeBytes } },
    );
    this.name = "OffloadedLiteralError";
    this.variable = variable;
    this.uri = uri;
    this.sizeBytes = sizeBytes;
    this.literal = literal;
  }
}
