import { BlobType_BlobDimensionality, SimpleType, type LiteralType } from "../gen/flyteidl/core/types_pb.js";

const simpleNames: Record<SimpleType, string> = {
  [SimpleType.NONE]: "none",
  [SimpleType.INTEGER]: "integer",
  [SimpleType.FLOAT]: "float",
  [SimpleType.STRING]: "string",
  [SimpleType.BOOLEAN]: "boolean",
  [SimpleType.DATETIME]: "datetime",
  [SimpleType.DURATION]: "duration",
  [SimpleType.BINARY]: "binary",
  [SimpleType.ERROR]: "error",
  [SimpleType.STRUCT]: "struct",
};

/**
 * A LiteralType in words, for error messages: `integer`, `list<string>`, `map<string, float>`,
 * `enum {A, B}`, `integer | none`, `blob (multipart, format "csv")`. The words follow Flyte's type names
 * rather than Python's or TypeScript's, because the template is what the reader will look at.
 */
export function describeType(type: LiteralType | undefined): string {
  if (type === undefined) return "any (no declared type)";
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleNames[t.value] ?? `simple type ${String(t.value)}`;
    case "collectionType":
      return `list<${describeType(t.value)}>`;
    case "mapValueType":
      return `map<string, ${describeType(t.value)}>`;
    case "enumType":
      return `enum {${t.value.values.join(", ")}}`;
    case "blob": {
      const parts: string[] = [];
      if (t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART) parts.push("multipart");
      if (t.value.format !== "") parts.push(`format ${JSON.stringify(t.value.format)}`);
      return parts.length === 0 ? "blob" : `blob (${parts.join(", ")})`;
    }
    case "structuredDatasetType":
      return t.value.format === "" ? "structured dataset" : `structured dataset (format ${JSON.stringify(t.value.format)})`;
    case "schema":
      return "schema";
    case "unionType":
      return t.value.variants.map(describeType).join(" | ");
    case undefined:
      return "a type with no kind";
  }
}
