/**
 * Standard Schema (https://standardschema.dev): the interface zod, valibot and arktype all implement, so an
 * author can validate with whichever they use and agentwire depends on none of them. The types are copied
 * from the spec, as the spec asks libraries to do.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  export interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  export interface PathSegment {
    readonly key: PropertyKey;
  }
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    typeof value === "object" &&
    value !== null &&
    "~standard" in value &&
    typeof (value as StandardSchemaV1)["~standard"]?.validate === "function"
  );
}

/** `a.b[2]`-style path of an issue, or `""` at the root. */
export function issuePath(issue: StandardSchemaV1.Issue): string {
  let out = "";
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" ? segment.key : segment;
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Every issue as `path: message`, joined with "; ", for a refusal a person reads. */
export function formatIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .map((issue) => {
      const path = issuePath(issue);
      return path === "" ? issue.message : `${path}: ${issue.message}`;
    })
    .join("; ");
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ReadonlyArray<StandardSchemaV1.Issue> };

/** Runs a Standard Schema, sync or async, and answers a tagged result rather than throwing. */
export async function validateWithSchema<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): Promise<ValidationResult<T>> {
  const result = await schema["~standard"].validate(value);
  if (result.issues !== undefined) return { ok: false, issues: result.issues };
  return { ok: true, value: result.value };
}
