import type { LiteralType } from "../gen/flyteidl/core/types_pb.js";

declare const jsValue: unique symbol;

/**
 * A Flyte `LiteralType` that also tells TypeScript which JS values go with it: `Decoded` is what the codec
 * hands you for a literal of this type, `Encodable` what it accepts to build one. The extra member exists
 * only in the type system (nothing is added at run time), so a `FlyteType` is a plain `LiteralType`
 * message everywhere else, and a bare `LiteralType` (from a template) is a `FlyteType<unknown>`.
 *
 * ```ts
 * const when = types.datetime(); // FlyteType<Date, Date | string>: read a Date, write a Date or an ISO string
 * ```
 */
export type FlyteType<Decoded = unknown, Encodable = Decoded> = LiteralType & {
  readonly [jsValue]?: { readonly decoded: Decoded; readonly encodable: Encodable };
};

/** Variables by name, each with its `FlyteType`: a task's inputs or outputs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FlyteTypes = Readonly<Record<string, FlyteType<any, any>>>;

/** The JS value the codec produces for a `FlyteType` (`unknown` for a bare `LiteralType`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Decoded<T> = T extends FlyteType<infer D, any> ? D : unknown;

/** The JS values the codec accepts for a `FlyteType` (`unknown` for a bare `LiteralType`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Encodable<T> = T extends FlyteType<any, infer E> ? E : unknown;

/** Flattens an intersection into one object type, so hovers and errors show `{ a: string; b?: number }`. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The values a record of types decodes to: `{ n: types.integer() }` → `{ n: number | bigint }`. */
export type DecodedValues<T extends FlyteTypes> = Simplify<{ [K in keyof T]: Decoded<T[K]> }>;

/**
 * The values a record of types accepts: `{ n: types.integer(), note: types.optional(types.string()) }` →
 * `{ n: number | bigint; note?: string | null }`. Names whose type accepts None may be left out (they are
 * sent as None).
 */
export type EncodableValues<T extends FlyteTypes> = Simplify<
  { [K in keyof T as undefined extends Encodable<T[K]> ? never : K]: Encodable<T[K]> } & {
    [K in keyof T as undefined extends Encodable<T[K]> ? K : never]?: Encodable<T[K]>;
  }
>;

/** True when every key of `T` is optional (an empty object fits it): such arguments may be left out. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AllOptional<T> = {} extends T ? true : false;
