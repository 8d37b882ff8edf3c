import { AgentwireError, formatIssues, isJsonObject, parseJson, stringifyJson, validateWithSchema, type StandardSchemaV1 } from "@agentwire/core";

/**
 * How an async agent's job handle travels: `create` returns it, the SDK encodes it into `resource_meta`,
 * Propeller stores those bytes in the workflow's CRD (and logs them), and hands them back on every
 * GetTask and DeleteTask, to any replica, after any restart. So it must be small, self-contained and free
 * of secrets.
 */
export interface ResourceMetaCodec<Meta> {
  encode(meta: Meta): Uint8Array;
  /** Returns the decoded value, still unvalidated; throws when the bytes are not this codec's format. */
  decode(bytes: Uint8Array): unknown;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * UTF-8 JSON, the format flytekit's `ResourceMeta.encode` writes, so Python and TS replicas can share
 * tasks. Numbers are kept exact both ways (core's `parseJson` / `stringifyJson`): an integer past 2^53
 * decodes to a `bigint` and `1.0` to a `LosslessNumber`, and both are written back as they came, as
 * Python's `json` would.
 */
export const jsonResourceMetaCodec: ResourceMetaCodec<unknown> = {
  encode: (meta) => utf8Encoder.encode(stringifyJson(meta) ?? "null"),
  decode: (bytes) => parseJson(utf8Decoder.decode(bytes)),
};

/** Above this, encoding is refused: the bytes live in an etcd object beside the whole workflow's state. */
export const maxResourceMetaBytes = 64 * 1024;

export function encodeResourceMeta<Meta>(codec: ResourceMetaCodec<Meta>, meta: Meta, agent: string): Uint8Array {
  if (meta === undefined || meta === null) {
    throw new AgentwireError(
      "internal",
      `${agent}.create returned ${String(meta)}; it must return the metadata that finds the job again, e.g. { jobId }`,
    );
  }
  const bytes = codec.encode(meta);
  if (bytes.byteLength > maxResourceMetaBytes) {
    throw new AgentwireError(
      "internal",
      `${agent}.create returned resource metadata of ${bytes.byteLength} bytes (limit ${maxResourceMetaBytes}); ` +
        "Propeller stores it in the workflow's CRD: keep only the ids needed to find the job",
    );
  }
  return bytes;
}

/**
 * Decodes and validates `resource_meta` for get/delete. Every refusal is INVALID_ARGUMENT: the bytes came
 * from the caller, and a broken or foreign handle must not look like an agent crash.
 */
export async function decodeResourceMeta<Meta>(
  codec: ResourceMetaCodec<Meta>,
  schema: StandardSchemaV1<unknown, Meta> | undefined,
  bytes: Uint8Array,
  agent: string,
): Promise<Meta> {
  if (bytes.byteLength === 0) {
    throw new AgentwireError("invalid_argument", `resource_meta is empty; pass the bytes CreateTask returned for ${agent}`);
  }
  let decoded: unknown;
  try {
    decoded = codec.decode(bytes);
  } catch (err) {
    throw new AgentwireError(
      "invalid_argument",
      `resource_meta (${bytes.byteLength} bytes) is not valid for ${agent}: ${(err as Error).message}; pass the bytes CreateTask returned unchanged`,
      { cause: err },
    );
  }
  if (schema === undefined) {
    if (!isJsonObject(decoded)) {
      throw new AgentwireError(
        "invalid_argument",
        `resource_meta for ${agent} must decode to an object, got ${Array.isArray(decoded) ? "an array" : (stringifyJson(decoded) ?? String(decoded))}`,
      );
    }
    return decoded as Meta;
  }
  const result = await validateWithSchema(schema, decoded);
  if (!result.ok) {
    throw new AgentwireError("invalid_argument", `resource_meta for ${agent} is invalid: ${formatIssues(result.issues)}`);
  }
  return result.value;
}
