// The files plugin in process, against a real directory tree: what each tool answers, the limits, and every
// way out of the root refused without anything outside being read (or even opened: see tree.ts's FIFO).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError } from "@agentwire/agentplatform";
import { createPluginDriver, type PluginDriver } from "@agentwire/agentplatform/testing";
import { createFilesPlugin } from "../src/index.js";
import { escapes, forbidden, makeTree, type Tree } from "./tree.js";

let tree: Tree;
let driver: PluginDriver;
let register: (config: Record<string, string>) => Promise<unknown>;

beforeAll(async () => {
  tree = makeTree();
  driver = createPluginDriver({ plugin: createFilesPlugin() });
  register = (config) => driver.register({ config });
  await register({ root: tree.root, max_file_bytes: "4096" });
});

afterAll(() => tree.remove());

/** Calls a tool that must succeed. */
async function ok<T>(name: string, args?: Record<string, unknown>): Promise<T> {
  const out = await driver.callTool<T>(name, args);
  expect(out.isError, out.resultJson).toBe(false);
  return out.result;
}

/** Calls a tool that must answer is_error; resolves with the message. */
async function refused(name: string, args?: Record<string, unknown>): Promise<string> {
  const out = await driver.callTool<{ error: string }>(name, args);
  expect(out.isError, out.resultJson).toBe(true);
  return out.result.error;
}

describe("Register", () => {
  it("refuses a missing, absent or non-directory root and bad limits, naming the field", async () => {
    const fresh = createPluginDriver({ plugin: createFilesPlugin() });
    const refusal = async (config: Record<string, string>) => {
      try {
        await fresh.register({ config });
      } catch (err) {
        expect(ConnectError.from(err).code).toBe(Code.InvalidArgument);
        return ConnectError.from(err).rawMessage;
      }
      throw new Error("expected a refusal");
    };
    expect(await refusal({})).toContain("root: required");
    expect(await refusal({ root: join(tree.base, "nope") })).toContain(`root: the root "${join(tree.base, "nope")}" is not available: it does not exist`);
    expect(await refusal({ root: join(tree.root, "notes.txt") })).toContain("is not a directory");
    expect(await refusal({ root: tree.root, max_results: "0", max_file_bytes: "1.5" })).toBe(
      'invalid config for plugin "files": max_file_bytes: must be a whole number of at least 1, got 1.5; max_results: must be a whole number of at least 1, got 0',
    );
  });
});

describe("ListTools", () => {
  it("describes list_files, read_file and search_files with object schemas", async () => {
    const listed = await driver.listTools();
    expect(listed.map((t) => t.name)).toEqual(["list_files", "read_file", "search_files"]);
    for (const tool of listed) {
      expect(tool.description.length).toBeGreaterThan(20);
      expect(tool.parameters).toMatchObject({ type: "object", additionalProperties: false });
    }
    expect(listed[1]!.parameters.required).toEqual(["path"]);
    expect(listed[2]!.parameters.required).toEqual(["pattern"]);
  });
});

describe("list_files", () => {
  it("lists the root by default, sorted, with types and file sizes; links are shown as links", async () => {
    const res = await ok<{ path: string; entries: { name: string; type: string; size?: number }[]; total: number; truncated: boolean }>("list_files");
    expect(res.path).toBe(".");
    expect(res.truncated).toBe(false);
    const byName = Object.fromEntries(res.entries.map((e) => [e.name, e]));
    expect(byName["notes.txt"]).toEqual({ name: "notes.txt", type: "file", size: 43 });
    expect(byName.docs).toEqual({ name: "docs", type: "directory" });
    expect(byName.etc).toEqual({ name: "etc", type: "symlink" });
    expect(byName.pipe).toEqual({ name: "pipe", type: "other" });
    expect(res.entries.map((e) => e.name)).toEqual([...res.entries.map((e) => e.name)].sort());
    expect(res.total).toBe(res.entries.length);
  });

  it("lists a subdirectory, also through a link that stays inside, and an empty one", async () => {
    const direct = await ok<{ path: string; entries: { name: string }[] }>("list_files", { path: "docs" });
    expect(direct.entries.map((e) => e.name)).toEqual(["guide.md", "nested", "notes-link", "sneaky", "up"]);
    expect(await ok("list_files", { path: "docs-link/" })).toEqual(direct);
    expect(await ok("list_files", { path: "./docs/nested/.." })).toEqual(direct);
    expect(await ok("list_files", { path: "empty" })).toEqual({ path: "empty", entries: [], total: 0, truncated: false });
  });

  it("refuses a file or a missing directory", async () => {
    expect(await refused("list_files", { path: "notes.txt" })).toBe('path "notes.txt" is a file, not a directory; read it with read_file');
    expect(await refused("list_files", { path: "nope" })).toBe('path "nope": it does not exist');
    expect(await refused("list_files", { path: "notes.txt/x" })).toBe('path "notes.txt/x": "notes.txt" is a file, not a directory');
  });
});

describe("read_file", () => {
  it("returns a text file's content, also through links that stay inside the root", async () => {
    const expected = { path: "notes.txt", size: 43, content: "first line\nTODO: write the guide\nlast line\n" };
    expect(await ok("read_file", { path: "notes.txt" })).toEqual(expected);
    expect(await ok("read_file", { path: "abs-inside" })).toEqual(expected);
    expect(await ok("read_file", { path: "docs/notes-link" })).toEqual(expected);
    expect(await ok("read_file", { path: "docs-link/../notes.txt" })).toEqual(expected);
    expect(await ok("read_file", { path: "docs/nested/ünïcødé.txt" })).toMatchObject({ content: "héllo wörld ✓\n" });
  });

  it("refuses directories, missing files, binary files, FIFOs and files over max_file_bytes", async () => {
    expect(await refused("read_file", { path: "docs" })).toBe('path "docs" is a directory; list it with list_files');
    expect(await refused("read_file", { path: "missing.txt" })).toBe('path "missing.txt": it does not exist');
    expect(await refused("read_file", { path: "dangling" })).toBe('path "dangling": it does not exist');
    expect(await refused("read_file", { path: "image.bin" })).toBe('file "image.bin" looks binary (it contains NUL bytes); read_file returns text files');
    expect(await refused("read_file", { path: "pipe" })).toBe('path "pipe" is not a regular file');
    expect(await refused("read_file", { path: "large.txt" })).toBe(
      "file \"large.txt\" is 10006 bytes, more than the 4096 bytes read_file returns (the plugin's max_file_bytes)",
    );
  });

  it("names a missing or invalid argument", async () => {
    expect(await refused("read_file", {})).toBe('invalid arguments for tool "read_file": path: required (Invalid input: expected string, received undefined)');
    expect(await refused("read_file", { path: "" })).toMatch(/^invalid arguments for tool "read_file": path: Too small/);
    expect(await refused("read_file", { path: "notes.txt", mode: "w" })).toMatch(/^invalid arguments for tool "read_file": Unrecognized key: "mode"/);
    const err = await driver.callTool("write_file", { path: "x" }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.NotFound);
  });
});

describe("search_files", () => {
  type Search = {
    path: string;
    matches: { path: string; line: number; text: string }[];
    files_searched: number;
    truncated: boolean;
    skipped: Record<string, number>;
    note?: string;
  };

  it("finds lines containing the text, depth first in name order, without following links", async () => {
    const res = await ok<Search>("search_files", { pattern: "TODO", path: "docs" });
    expect(res.matches).toEqual([
      { path: "docs/nested/deep.txt", line: 2, text: expect.stringMatching(/^….{0,240}…$/) as unknown },
    ]);
    expect(res.matches[0]!.text).toContain("TODO in a long line");
    expect(res.matches[0]!.text.length).toBeLessThanOrEqual(242);
    // docs/notes-link, docs/sneaky and docs/up are links: never followed, so notes.txt is not searched from here.
    expect(res.skipped.symlinks).toBe(3);
    expect(res.truncated).toBe(false);
  });

  it("ignores case when asked, and searches a single file", async () => {
    const res = await ok<Search>("search_files", { pattern: "todo", path: "docs", ignore_case: true });
    expect(res.matches.map((m) => `${m.path}:${m.line}`)).toEqual(["docs/guide.md:4", "docs/nested/deep.txt:2"]);
    const one = await ok<Search>("search_files", { pattern: "guide", path: "notes.txt" });
    expect(one).toMatchObject({ path: "notes.txt", matches: [{ path: "notes.txt", line: 2, text: "TODO: write the guide" }], files_searched: 1 });
  });

  it("skips binary files and files over max_file_bytes, and stops at max_results with a note", async () => {
    const all = await ok<Search>("search_files", { pattern: "TODO" });
    expect(all.skipped).toMatchObject({ binary: 1, too_large: 1 });
    expect(all.matches.map((m) => m.path)).not.toContain("large.txt");
    expect(all.matches.map((m) => m.path)).not.toContain("image.bin");
    await register({ root: tree.root, max_file_bytes: "4096", max_results: "5" });
    try {
      const capped = await ok<Search>("search_files", { pattern: "TODO", path: "many" });
      expect(capped.matches.map((m) => m.path)).toEqual(["many/file-00.txt", "many/file-01.txt", "many/file-02.txt", "many/file-03.txt", "many/file-04.txt"]);
      expect(capped).toMatchObject({ truncated: true, note: "stopped at 5 matches (the plugin's max_results); search a narrower path or a more specific pattern" });
      const listed = await ok<{ entries: unknown[]; total: number; truncated: boolean; note: string }>("list_files", { path: "many" });
      expect(listed).toMatchObject({ total: 12, truncated: true, note: "showing the first 5 of 12 entries (the plugin's max_results)" });
      expect(listed.entries).toHaveLength(5);
    } finally {
      await register({ root: tree.root, max_file_bytes: "4096" });
    }
  });

  it("never reaches outside the root from the root itself", async () => {
    const res = await ok<Search>("search_files", { pattern: tree.secret.slice(0, 10) });
    expect(res.matches).toEqual([]);
    // etc, passwd, secret-link, abs-secret, outside-dir, abs-climb, trap-link, loop-a, loop-b, self, dangling,
    // docs-link, abs-inside (root) + notes-link, sneaky, up (docs): 16 links, none followed.
    expect(res.skipped.symlinks).toBe(16);
  });
});

describe("escaping the root", () => {
  it.each(escapes)("$tool $args is refused", async ({ tool, args, refusal }) => {
    const out = await driver.callTool<{ error: string }>(tool, args);
    expect(out.isError, out.resultJson).toBe(true);
    expect(out.result.error).toMatch(refusal);
    for (const text of forbidden(tree)) expect(out.resultJson).not.toContain(text);
  });

  it("opened nothing outside the root: the FIFO's writer is still waiting for a reader", async () => {
    expect(tree.trapSprung()).toBe(false);
    // Not a look at a clock: reading the FIFO ourselves gets the writer's "x" only if nothing read it before.
    expect(await tree.trapStillArmed()).toBe(true);
  });
});
