// The type-name parser lives in @agentwire/flyte (the host reads the same names); re-exported for the suites.
export { parseTypeName, parseTypes, typeNameSyntax } from "@agentwire/flyte";
