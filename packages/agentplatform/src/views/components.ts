// The typed builder for a view's HCL components (what `RenderView` answers). Upstream's HCL Component
// Reference shows `component "<unique-name>" { type = "<component-type>" ...attrs... component "child" {} }`,
// with two kinds of non-component children: a form's `field` blocks and a stat group's `stat "<id>"` blocks.
import { attribute, block, isHclIdentifier, writeHcl, type HclNode, type HclValue } from "../hcl-writer.js";

/** A value a component attribute can hold; `undefined` leaves the attribute out. */
export type ComponentValue = HclValue;

/** `component "<name>" { type = "<type>" ... }`: what every `ui.*` builder but `field`, `stat` and `block` makes. */
export interface ComponentNode {
  readonly kind: "component";
  /** The component type, e.g. `text`, `section`, `stat-group`: written as the `type` attribute. */
  readonly type: string;
  /** The block label, unique in the view. Default: `<type>-<n>`, numbered per type in document order. */
  readonly name: string | undefined;
  readonly attributes: Readonly<Record<string, ComponentValue>>;
  readonly children: readonly ViewNode[];
}

/** `<blockType> "<label>" { ... }`: a child block that is not a component (`field`, `stat`, or one of yours). */
export interface BlockNode {
  readonly kind: "block";
  readonly blockType: string;
  /** The block's label; `undefined` writes an unlabelled block. */
  readonly label: string | undefined;
  readonly attributes: Readonly<Record<string, ComponentValue>>;
  readonly children: readonly ViewNode[];
}

/** Anything a view renders: components, and the blocks some components hold. */
export type ViewNode = ComponentNode | BlockNode;

/** `text` styles from the reference. */
export type TextStyle = "body" | "heading" | "muted" | "code";

export interface TextOptions {
  /** Default (the platform's): `body`. */
  style?: TextStyle;
  /** The component's label. Default: `text-<n>`. */
  name?: string;
}

export interface SectionOptions {
  title?: string;
  /** Default: `section-<n>`. */
  name?: string;
}

export interface FormOptions {
  /**
   * Where the form submits: a URL under `/api/v1/workspaces/{id}/views/{plugin}/`, which the platform
   * forwards to `HandleRoute`. Build it with the render context's `url("/api/tasks")`. Default (the
   * platform's): `"#"`.
   */
  action?: string;
  /** Default (the platform's): `POST`. */
  method?: "GET" | "POST" | "PUT" | "DELETE";
  title?: string;
  /** Default (the platform's): `Submit`. */
  submitLabel?: string;
  /** Default: `form-<n>`. */
  name?: string;
}

/**
 * A form field. The reference does not show `field`'s attributes; these follow the manifest's `field`
 * (`type`, `required`, `placeholder`, `options`, `default`) plus the `label` every form needs. Other
 * attributes go in `attributes`, written as given.
 */
export interface FieldOptions {
  /** The input's name: the block label and the key the submitted value arrives under. */
  name: string;
  /** Input type, e.g. `text`, `textarea`, `number`, `checkbox`, `select`. Default: left to the platform. */
  type?: string;
  label?: string;
  required?: boolean;
  placeholder?: string;
  options?: readonly string[];
  default?: string | number | boolean;
  attributes?: Readonly<Record<string, ComponentValue | undefined>>;
}

export interface ChatOptions {
  /**
   * The WebSocket path the platform bridges to `HandleStream`, e.g.
   * `/api/v1/workspaces/{id}/views/{plugin}/stream`: the render context's `streamUrl`.
   */
  stream: string;
  /** Default (the platform's): `Type a message...`. */
  placeholder?: string;
  /** Default (the platform's): `Send`. */
  buttonLabel?: string;
  /** Default: `chat-<n>`. */
  name?: string;
}

export interface StatOptions {
  label: string;
  value: string | number;
  /** The `stat` block's label. Default: the label in kebab case (`Open tasks` → `open-tasks`), made unique. */
  id?: string;
}

export interface StatGroupOptions {
  /** Default: `stat-group-<n>`. */
  name?: string;
  /** More attributes, written as given. */
  attributes?: Readonly<Record<string, ComponentValue | undefined>>;
}

function defined(attrs: Readonly<Record<string, ComponentValue | undefined>>): Record<string, ComponentValue> {
  const out: Record<string, ComponentValue> = {};
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) out[key] = value;
  return out;
}

function component(
  type: string,
  attrs: Readonly<Record<string, ComponentValue | undefined>> = {},
  children: readonly ViewNode[] = [],
  name?: string,
): ComponentNode {
  if (type === "") throw new TypeError("a component needs a type, e.g. ui.component(\"table\", { ... })");
  if (Object.hasOwn(attrs, "type")) {
    throw new TypeError(`component ${JSON.stringify(type)}: "type" is the component type, not an attribute; pass it as the first argument`);
  }
  return { kind: "component", type, name, attributes: defined(attrs), children: [...children] };
}

function blockNode(
  blockType: string,
  label: string | undefined,
  attrs: Readonly<Record<string, ComponentValue | undefined>> = {},
  children: readonly ViewNode[] = [],
): BlockNode {
  if (!isHclIdentifier(blockType)) {
    throw new TypeError(`block type ${JSON.stringify(blockType)} is not an HCL identifier (a letter or _, then letters, digits, _ or -)`);
  }
  return { kind: "block", blockType, label, attributes: defined(attrs), children: [...children] };
}

/**
 * Builds a view's components. Each builder returns a plain node; `renderComponents` (and `RenderView`)
 * turn them into HCL with every string escaped, so titles and task names can be anything.
 *
 * ```ts
 * render: (ctx) => [
 *   ui.text("Tasks", { style: "heading" }),
 *   ui.statGroup([ui.stat({ label: "Open", value: 3 }), ui.stat({ label: "Done", value: 5 })]),
 *   ui.form({ action: ctx.url("/api/tasks"), title: "Add a task" }, [ui.field({ name: "title", type: "text", label: "Title", required: true })]),
 *   ui.chat({ stream: ctx.streamUrl }),
 *   ui.component("progress", { value: 0.6 }), // a component type the builder does not know: passed through
 * ]
 * ```
 */
export const ui = {
  /** `type = "text"`: a line or paragraph of text. */
  text(content: string, options: TextOptions = {}): ComponentNode {
    return component("text", { content, style: options.style }, [], options.name);
  },
  /** `type = "section"`: a titled group of components. */
  section(options: SectionOptions, children: readonly ViewNode[] = []): ComponentNode {
    return component("section", { title: options.title }, children, options.name);
  },
  /** `type = "form"` with its `field` blocks; it submits to `action` through `HandleRoute`. */
  form(options: FormOptions, fields: readonly ViewNode[] = []): ComponentNode {
    return component(
      "form",
      { action: options.action, method: options.method, title: options.title, submit_label: options.submitLabel },
      fields,
      options.name,
    );
  },
  /** A form's `field "<name>" { ... }` block. */
  field(options: FieldOptions): BlockNode {
    if (options.name === "") throw new TypeError("a form field needs a name: the key its value is submitted under");
    const extra = options.attributes ?? {};
    for (const key of ["type", "label", "required", "placeholder", "options", "default"]) {
      if (Object.hasOwn(extra, key)) throw new TypeError(`field ${JSON.stringify(options.name)}: set ${key} as an option, not in attributes`);
    }
    return blockNode("field", options.name, {
      type: options.type,
      label: options.label,
      required: options.required,
      placeholder: options.placeholder,
      options: options.options,
      default: options.default,
      ...extra,
    });
  },
  /** `type = "chat"`: a chat box whose messages go over `stream` to `HandleStream`. */
  chat(options: ChatOptions): ComponentNode {
    return component(
      "chat",
      { stream: options.stream, placeholder: options.placeholder, button_label: options.buttonLabel },
      [],
      options.name,
    );
  },
  /** `type = "stat-group"` holding `stat` blocks. */
  statGroup(stats: readonly ViewNode[], options: StatGroupOptions = {}): ComponentNode {
    return component("stat-group", options.attributes ?? {}, stats, options.name);
  },
  /** A stat group's `stat "<id>" { label, value }` block. */
  stat(options: StatOptions): BlockNode {
    return blockNode("stat", options.id, { label: options.label, value: options.value });
  },
  /**
   * Any other component type, written as `component "<name>" { type = "<type>" ...attributes... }` with its
   * children nested: for the components the builder has no helper for.
   */
  component(type: string, attributes: Readonly<Record<string, ComponentValue | undefined>> = {}, children: readonly ViewNode[] = [], options: { name?: string } = {}): ComponentNode {
    return component(type, attributes, children, options.name);
  },
  /** Any other (non-component) block, `<type> "<label>" { ... }`, e.g. a custom component's rows. */
  block(blockType: string, label: string | undefined, attributes: Readonly<Record<string, ComponentValue | undefined>> = {}, children: readonly ViewNode[] = []): BlockNode {
    return blockNode(blockType, label, attributes, children);
  },
} as const;

function kebab(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Assigns names: explicit ones are checked for uniqueness, the rest numbered per type. */
class Namer {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  reserve(nodes: readonly ViewNode[]): void {
    for (const node of nodes) {
      if (node.kind === "component" && node.name !== undefined) {
        if (node.name === "") throw new TypeError(`a ${node.type} component has an empty name; leave it out to get one`);
        if (this.used.has(node.name)) {
          throw new TypeError(`two components are named ${JSON.stringify(node.name)}: component names must be unique in a view`);
        }
        this.used.add(node.name);
      }
      this.reserve(node.children);
    }
  }

  next(type: string): string {
    let n = this.counters.get(type) ?? 0;
    let name: string;
    do {
      n += 1;
      name = `${type}-${n}`;
    } while (this.used.has(name));
    this.counters.set(type, n);
    this.used.add(name);
    return name;
  }
}

function toHcl(nodes: readonly ViewNode[], namer: Namer): HclNode[] {
  // Stat ids only need to be unique among their siblings.
  const statIds = new Set<string>();
  for (const node of nodes) if (node.kind === "block" && node.blockType === "stat" && node.label !== undefined) statIds.add(node.label);
  return nodes.map((node) => {
    const attrs = Object.entries(node.attributes).map(([name, value]) => attribute(name, value));
    if (node.kind === "component") {
      const name = node.name ?? namer.next(node.type);
      return block("component", [name], [attribute("type", node.type), ...attrs, ...toHcl(node.children, namer)]);
    }
    let label = node.label;
    if (label === undefined && node.blockType === "stat") {
      const labelAttr = node.attributes.label;
      const base = (typeof labelAttr === "string" ? kebab(labelAttr) : "") || "stat";
      label = base;
      for (let n = 2; statIds.has(label); n++) label = `${base}-${n}`;
      statIds.add(label);
    }
    return block(node.blockType, label === undefined ? [] : [label], [...attrs, ...toHcl(node.children, namer)]);
  });
}

/**
 * Writes components as the HCL `RenderView` answers: one `component "<name>"` block per top-level node,
 * `type` first, then the attributes in the order given, then the children. Unnamed components are named
 * `<type>-<n>`; two components with the same name are refused, since the platform needs them unique.
 *
 * ```ts
 * renderComponents([ui.text('Say "hi"', { style: "heading" })]);
 * // component "text-1" {
 * //   type    = "text"
 * //   content = "Say \"hi\""
 * //   style   = "heading"
 * // }
 * ```
 */
export function renderComponents(nodes: ViewNode | readonly ViewNode[]): string {
  const list: readonly ViewNode[] = Array.isArray(nodes) ? (nodes as readonly ViewNode[]) : [nodes as ViewNode];
  if (list.length === 0) return "";
  const namer = new Namer();
  namer.reserve(list);
  return writeHcl(toHcl(list, namer));
}
