// A small writer for HCL's native syntax: attributes, labelled blocks, strings, numbers, bools and lists.
// It is what a manifest (and later a view's components) needs, no more: no expressions, no heredocs.
// Output is deterministic (nodes in the order given) and formatted the way `terraform fmt` would leave it
// (two-space indents, the `=` of consecutive attributes aligned, a blank line around nested blocks).

/** A value an attribute can hold. Strings are written as quoted templates with everything escaped. */
export type HclValue = string | number | boolean | readonly HclValue[];

export interface HclAttribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: HclValue;
}

export interface HclBlock {
  readonly kind: "block";
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly HclNode[];
}

export type HclNode = HclAttribute | HclBlock;

/** `name = value`. */
export function attribute(name: string, value: HclValue): HclAttribute {
  return { kind: "attribute", name, value };
}

/** `type "label" ... { body }`. */
export function block(type: string, labels: readonly string[], body: readonly HclNode[]): HclBlock {
  return { kind: "block", type, labels, body };
}

// HCL's identifier rule (hashicorp/hcl's scanner): (ID_Start | '_') (ID_Continue | '-')*.
const identifier = /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u;

/** True if `name` can be written bare, as an attribute name or a block type. */
export function isHclIdentifier(name: string): boolean {
  return identifier.test(name);
}

function checkIdentifier(name: string, what: string): void {
  if (!isHclIdentifier(name)) {
    throw new TypeError(`${what} ${JSON.stringify(name)} is not an HCL identifier (a letter or _, then letters, digits, _ or -)`);
  }
}

/**
 * `value` as an HCL quoted string. Besides quotes, backslashes and control characters, the template
 * introducers `${` and `%{` are escaped (as `$${` and `%%{`), so a value is never read as an interpolation
 * or directive. A lone UTF-16 surrogate, which UTF-8 cannot carry, becomes U+FFFD.
 */
export function hclString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '"':
        out += '\\"';
        break;
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default:
        if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
        else if (code >= 0xd800 && code <= 0xdfff) out += "\ufffd";
        else out += char;
    }
  }
  // (A function, since "$$" in a replacement string means one "$".)
  return `${out.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{")}"`;
}

function writeValue(value: HclValue): string {
  if (typeof value === "string") return hclString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be written in HCL: numbers must be finite`);
    return String(value);
  }
  return `[${value.map(writeValue).join(", ")}]`;
}

function writeBody(nodes: readonly HclNode[], indent: string, lines: string[]): void {
  let i = 0;
  while (i < nodes.length) {
    const node = nodes[i]!;
    if (i > 0) lines.push("");
    if (node.kind === "block") {
      checkIdentifier(node.type, "block type");
      const labels = node.labels.map((label) => ` ${hclString(label)}`).join("");
      if (node.body.length === 0) {
        lines.push(`${indent}${node.type}${labels} {}`);
      } else {
        lines.push(`${indent}${node.type}${labels} {`);
        writeBody(node.body, `${indent}  `, lines);
        lines.push(`${indent}}`);
      }
      i++;
      continue;
    }
    // A run of consecutive attributes, aligned on `=`.
    const run: HclAttribute[] = [];
    while (i < nodes.length && nodes[i]!.kind === "attribute") run.push(nodes[i++] as HclAttribute);
    const width = Math.max(...run.map((a) => a.name.length));
    for (const a of run) {
      checkIdentifier(a.name, "attribute name");
      lines.push(`${indent}${a.name.padEnd(width)} = ${writeValue(a.value)}`);
    }
  }
}

/**
 * Writes `nodes` as an HCL file (ending in a newline).
 *
 * ```ts
 * writeHcl([block("plugin", ["weather"], [attribute("version", "1.0.0"), attribute("type", "remote")])]);
 * // plugin "weather" {
 * //   version = "1.0.0"
 * //   type    = "remote"
 * // }
 * ```
 */
export function writeHcl(nodes: readonly HclNode[]): string {
  const lines: string[] = [];
  writeBody(nodes, "", lines);
  return `${lines.join("\n")}\n`;
}
