/*
 * The JS shapes of Flyte's "by reference" values: files, directories, tables and legacy schemas live in
 * blob storage, and a literal carries only their URI and a little metadata. The codec never touches
 * the data itself.
 */

/** A FlyteFile (`dimensionality: "single"`) or FlyteDirectory (`"multipart"`), as decoded. */
export interface BlobValue {
  uri: string;
  format: string;
  dimensionality: "single" | "multipart";
}

/**
 * What the encoder accepts for a blob: a URI string, or an object whose missing fields default to the
 * declared type's format and dimensionality.
 *
 * ```ts
 * "s3://bucket/report.csv"
 * { uri: "s3://bucket/images/", dimensionality: "multipart" }
 * ```
 */
export type BlobInput = string | { uri: string; format?: string; dimensionality?: "single" | "multipart" };

/** A StructuredDataset, as decoded; `format` is e.g. `"parquet"`, or `""` when the producer left it out. */
export interface StructuredDatasetValue {
  uri: string;
  format: string;
}

/** What the encoder accepts for a StructuredDataset: a URI string such as `bq://project:dataset.table`, or `{uri, format?}`. */
export type StructuredDatasetInput = string | { uri: string; format?: string };

/** A legacy FlyteSchema, by URI. */
export interface SchemaValue {
  uri: string;
}

/** An error literal (`scalar.error`), which Flyte uses for failure-node inputs. */
export interface ErrorValue {
  message: string;
  failedNodeId: string;
}
