// The plugin tested through the in-process driver (no port), as a workspace calls it: Register with the
// config, then ExecuteTool. The notes go to a fresh temporary directory per test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Code } from "@agentwire/agentplatform";
import { Capability, createPluginDriver } from "@agentwire/agentplatform/testing";
import { createNotesPlugin } from "../src/notes-plugin.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notes-test-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A driver registered with the notes in the test's directory. */
async function connect(config: Record<string, string> = {}) {
  const driver = createPluginDriver({ plugin: createNotesPlugin() });
  await driver.register({ config: { notes_dir: join(dir, "notes"), ...config } });
  return driver;
}

describe("example-notes", () => {
  it("registers as a tool provider with two tools, each with a JSON Schema for its arguments", async () => {
    const driver = createPluginDriver({ plugin: createNotesPlugin() });
    const registered = await driver.register({ config: { notes_dir: join(dir, "notes") } });
    expect(registered.capabilities).toEqual([Capability.TOOL_PROVIDER]);
    const tools = await driver.listTools();
    expect(tools.map((t) => t.name)).toEqual(["save_note", "search_notes"]);
    const save = tools[0]!.parameters as { required: string[]; properties: Record<string, unknown> };
    expect(save.required).toEqual(["title", "text"]);
    expect(Object.keys(save.properties)).toEqual(["title", "text", "overwrite"]);
  });

  it("saves notes as Markdown files and finds them by their text, newest first", async () => {
    const driver = await connect();
    const saved = await driver.callTool("save_note", { title: "Release checklist", text: "- tag the release\n- publish the changelog" });
    expect(saved).toMatchObject({ isError: false, result: { title: "Release checklist", file: "release-checklist.md", created: true } });
    expect(readFileSync(join(dir, "notes", "release-checklist.md"), "utf8")).toBe("# Release checklist\n\n- tag the release\n- publish the changelog\n");
    await driver.callTool("save_note", { title: "Changelog style", text: "Past tense, one line per change." });

    const found = await driver.callTool("search_notes", { query: "CHANGELOG" });
    expect(found.isError).toBe(false);
    expect(found.result).toMatchObject({ query: "CHANGELOG", searched: 2 });
    const matches = (found.result as { matches: { title: string; line: number; excerpt: string }[] }).matches;
    expect(matches.map((m) => m.title).sort()).toEqual(["Changelog style", "Release checklist"]);
    expect(matches.find((m) => m.title === "Release checklist")).toMatchObject({ line: 4, excerpt: "- publish the changelog" });
    expect((await driver.callTool("search_notes", { query: "changelog", limit: 1 })).result).toMatchObject({ matches: [expect.anything()] });
  });

  it("a note that exists is a tool error the agent can act on, unless overwrite", async () => {
    const driver = await connect();
    await driver.callTool("save_note", { title: "Plan", text: "v1" });
    const again = await driver.callTool<{ error: string }>("save_note", { title: "Plan", text: "v2" });
    expect(again.isError).toBe(true);
    expect(again.result.error).toBe('a note titled "Plan" already exists (plan.md); pass overwrite: true to replace it');
    expect(await driver.callTool("save_note", { title: "Plan", text: "v2", overwrite: true })).toMatchObject({ isError: false, result: { created: false } });
    expect(readFileSync(join(dir, "notes", "plan.md"), "utf8")).toContain("v2");
  });

  it("refuses bad arguments, naming the field, and a title with nothing to name a file with", async () => {
    const driver = await connect();
    const missing = await driver.callTool<{ error: string }>("save_note", { title: "No text" });
    expect(missing.isError).toBe(true);
    expect(missing.result.error).toMatch(/invalid arguments for tool "save_note": text/);
    const extra = await driver.callTool<{ error: string }>("search_notes", { query: "x", limit: 0 });
    expect(extra.result.error).toMatch(/limit/);
    const slashes = await driver.callTool<{ error: string }>("save_note", { title: "../..", text: "escape?" });
    expect(slashes.result.error).toBe('title "../.." has no letter or digit to name its file with');
  });

  it("refuses a config it cannot work with at Register, naming the field; an unknown tool is NOT_FOUND", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "not a directory");
    const driver = createPluginDriver({ plugin: createNotesPlugin() });
    await expect(driver.register({ config: { notes_dir: file, max_results: "500" } })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringMatching(/max_results: must be a whole number from 1 to 100, got 500; notes_dir: notes directory .*a-file cannot be used/) as unknown,
    });
    const ok = await connect();
    await expect(ok.callTool("delete_everything", {})).rejects.toMatchObject({ code: Code.NotFound });
  });
});
