// The component builder and the HCL it writes, held to two real HCL parsers: HashiCorp's own (Go) and
// python-hcl2.
import { describe, expect, it } from "vitest";
import { renderComponents, ui } from "../src/index.js";
import { hashicorpHcl, skipGo } from "./hashicorp-hcl.js";
import { goSuiteName, pythonSuiteName } from "@agentwire/test-support";
import { parseHcl, requirePython, skipPython } from "./python.js";

interface GenericBlock {
  type: string;
  labels: string[];
  body: GenericBody;
}
interface GenericBody {
  attributes: Record<string, unknown>;
  blocks: GenericBlock[];
}

const tricky = [
  'say "hi"',
  "back\\slash",
  "line1\nline2\r\nline3\ttab",
  "${var.secret} and %{ if true }x%{ endif }",
  "$${already} %%{escaped}",
  "é ü 中文 😀",
  "</script><!-- -->",
];

function dashboard() {
  return [
    ui.text("Tasks", { style: "heading" }),
    ui.statGroup([ui.stat({ label: "Total", value: 3 }), ui.stat({ label: "Open tasks", value: "2" }), ui.stat({ label: "Done", value: 1, id: "finished" })]),
    ui.form({ action: "/api/v1/workspaces/ws-1/views/dashboard/api/tasks", method: "POST", title: "Add a task", submitLabel: "Add" }, [
      ui.field({ name: "title", type: "text", label: "Title", required: true, placeholder: "Buy milk" }),
      ui.field({ name: "priority", type: "select", options: ["low", "high"], default: "low" }),
    ]),
    ui.section({ title: "Open" }, [ui.text("Buy milk"), ui.text("Walk the dog", { style: "muted" })]),
    ui.chat({ stream: "/api/v1/workspaces/ws-1/views/dashboard/stream", placeholder: "Ask the agent", buttonLabel: "Ask" }),
    ui.component("progress", { value: 0.5, label: "Half way", tags: ["a", "b"], hidden: false }, [ui.block("row", "r1", { cells: ["x", "y"] })]),
  ];
}

describe("renderComponents", () => {
  it("writes each component as a component block with its type first", () => {
    expect(renderComponents([ui.text("Hello"), ui.text("Small print", { style: "muted" })])).toBe(
      [
        'component "text-1" {',
        '  type    = "text"',
        '  content = "Hello"',
        "}",
        "",
        'component "text-2" {',
        '  type    = "text"',
        '  content = "Small print"',
        '  style   = "muted"',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes forms with field blocks, stat groups with stat blocks, and snake_case attribute names", () => {
    const hcl = renderComponents(dashboard());
    expect(hcl).toContain(
      [
        'component "form-1" {',
        '  type         = "form"',
        '  action       = "/api/v1/workspaces/ws-1/views/dashboard/api/tasks"',
        '  method       = "POST"',
        '  title        = "Add a task"',
        '  submit_label = "Add"',
        "",
        '  field "title" {',
        '    type        = "text"',
        '    label       = "Title"',
        "    required    = true",
        '    placeholder = "Buy milk"',
        "  }",
      ].join("\n"),
    );
    expect(hcl).toContain(['  stat "total" {', '    label = "Total"', "    value = 3", "  }"].join("\n"));
    expect(hcl).toContain('  stat "open-tasks" {');
    expect(hcl).toContain('  stat "finished" {');
    expect(hcl).toContain('  button_label = "Ask"');
    expect(hcl).toContain(['component "progress-1" {', '  type   = "progress"', "  value  = 0.5"].join("\n"));
  });

  it("names components per type, skipping names given explicitly, and refuses duplicates", () => {
    const hcl = renderComponents([ui.text("a", { name: "text-1" }), ui.text("b"), ui.section({ title: "s" }, [ui.text("c", { name: "intro" })])]);
    expect(hcl.match(/^\s*component "[^"]+"/gm)?.map((l) => l.trim())).toEqual([
      'component "text-1"',
      'component "text-2"',
      'component "section-1"',
      'component "intro"',
    ]);
    expect(() => renderComponents([ui.text("a", { name: "x" }), ui.section({}, [ui.text("b", { name: "x" })])])).toThrow(/two components are named "x"/);
  });

  it("makes stat ids unique among siblings", () => {
    const hcl = renderComponents(ui.statGroup([ui.stat({ label: "Tasks", value: 1 }), ui.stat({ label: "tasks", value: 2 }), ui.stat({ label: "😀", value: 3 })]));
    expect(hcl.match(/stat "[^"]+"/g)).toEqual(['stat "tasks"', 'stat "tasks-2"', 'stat "stat"']);
  });

  it("leaves out undefined attributes and answers nothing for no components", () => {
    expect(renderComponents([])).toBe("");
    expect(renderComponents(ui.section({}))).toBe('component "section-1" {\n  type = "section"\n}\n');
  });

  it("refuses a type attribute, an empty type and block types that are not identifiers", () => {
    expect(() => ui.component("x", { type: "y" })).toThrow(/"type" is the component type/);
    expect(() => ui.component("")).toThrow(/needs a type/);
    expect(() => ui.block("not a type", "l")).toThrow(/not an HCL identifier/);
    expect(() => renderComponents(ui.component("x", { "bad name": 1 }))).toThrow(/attribute name "bad name" is not an HCL identifier/);
    expect(() => ui.field({ name: "" })).toThrow(/needs a name/);
    expect(() => ui.field({ name: "a", attributes: { label: "x" } })).toThrow(/set label as an option/);
  });

  it("escapes quotes, backslashes, newlines and template sequences in every string", () => {
    const hcl = renderComponents(ui.text('a "b" ${c} %{d}\ne'));
    expect(hcl).toContain('content = "a \\"b\\" $${c} %%{d}\\ne"');
  });
});

const goSuite = "component HCL read by HashiCorp's HCL library";
describe.skipIf(skipGo)(goSuiteName(goSuite), () => {
  it("parses to the components, fields and stats given", async () => {
    const parsed = (await hashicorpHcl("generic", renderComponents(dashboard()))) as GenericBody;
    expect(parsed.attributes).toEqual({});
    expect(parsed.blocks.map((b) => [b.type, b.labels, b.body.attributes.type])).toEqual([
      ["component", ["text-1"], "text"],
      ["component", ["stat-group-1"], "stat-group"],
      ["component", ["form-1"], "form"],
      ["component", ["section-1"], "section"],
      ["component", ["chat-1"], "chat"],
      ["component", ["progress-1"], "progress"],
    ]);
    const [, stats, form, section, chat, progress] = parsed.blocks;
    expect(stats!.body.blocks).toEqual([
      { type: "stat", labels: ["total"], body: { attributes: { label: "Total", value: 3 }, blocks: [] } },
      { type: "stat", labels: ["open-tasks"], body: { attributes: { label: "Open tasks", value: "2" }, blocks: [] } },
      { type: "stat", labels: ["finished"], body: { attributes: { label: "Done", value: 1 }, blocks: [] } },
    ]);
    expect(form!.body.attributes).toEqual({
      type: "form",
      action: "/api/v1/workspaces/ws-1/views/dashboard/api/tasks",
      method: "POST",
      title: "Add a task",
      submit_label: "Add",
    });
    expect(form!.body.blocks).toEqual([
      { type: "field", labels: ["title"], body: { attributes: { type: "text", label: "Title", required: true, placeholder: "Buy milk" }, blocks: [] } },
      { type: "field", labels: ["priority"], body: { attributes: { type: "select", options: ["low", "high"], default: "low" }, blocks: [] } },
    ]);
    expect(section!.body.blocks.map((b) => [b.labels[0], b.body.attributes])).toEqual([
      ["text-2", { type: "text", content: "Buy milk" }],
      ["text-3", { type: "text", content: "Walk the dog", style: "muted" }],
    ]);
    expect(chat!.body.attributes).toEqual({
      type: "chat",
      stream: "/api/v1/workspaces/ws-1/views/dashboard/stream",
      placeholder: "Ask the agent",
      button_label: "Ask",
    });
    expect(progress!.body).toEqual({
      attributes: { type: "progress", value: 0.5, label: "Half way", tags: ["a", "b"], hidden: false },
      blocks: [{ type: "row", labels: ["r1"], body: { attributes: { cells: ["x", "y"] }, blocks: [] } }],
    });
  });

  it.each(tricky)("reads back %j exactly, in content, titles, labels and names", async (value) => {
    const hcl = renderComponents([
      ui.section({ title: value, name: `s ${value}` }, [ui.text(value), ui.statGroup([ui.stat({ label: value, value, id: value })])]),
      ui.form({ title: value }, [ui.field({ name: value, label: value, options: [value] })]),
    ]);
    const parsed = (await hashicorpHcl("generic", hcl)) as GenericBody;
    const [section, form] = parsed.blocks;
    expect(section!.labels).toEqual([`s ${value}`]);
    expect(section!.body.attributes.title).toBe(value);
    expect(section!.body.blocks[0]!.body.attributes.content).toBe(value);
    expect(section!.body.blocks[1]!.body.blocks[0]).toEqual({ type: "stat", labels: [value], body: { attributes: { label: value, value }, blocks: [] } });
    expect(form!.body.blocks[0]).toEqual({ type: "field", labels: [value], body: { attributes: { label: value, options: [value] }, blocks: [] } });
  });
});

const pySuite = "component HCL read by python-hcl2";
describe.skipIf(skipPython)(pythonSuiteName(pySuite), () => {
  it("parses to the same components, with every tricky string intact", async () => {
    requirePython();
    const hcl = renderComponents([...dashboard(), ...tricky.map((t) => ui.text(t))]);
    const parsed = (await parseHcl(hcl)) as { component: Array<Record<string, Record<string, unknown>>> };
    const byName = Object.assign({}, ...parsed.component) as Record<string, Record<string, unknown>>;
    expect(Object.keys(byName)).toEqual(["text-1", "stat-group-1", "form-1", "section-1", "chat-1", "progress-1", ...tricky.map((_, i) => `text-${i + 4}`)]);
    expect(byName["stat-group-1"]).toMatchObject({ type: "stat-group", stat: [{ total: { label: "Total", value: 3 } }, { "open-tasks": { label: "Open tasks", value: "2" } }, { finished: { label: "Done", value: 1 } }] });
    expect(byName["form-1"]).toMatchObject({ type: "form", submit_label: "Add", field: [{ title: { type: "text", required: true } }, { priority: { options: ["low", "high"] } }] });
    expect(byName["chat-1"]).toMatchObject({ type: "chat", stream: "/api/v1/workspaces/ws-1/views/dashboard/stream" });
    tricky.forEach((t, i) => expect(byName[`text-${i + 4}`]).toEqual({ type: "text", content: t }));
  });
});
