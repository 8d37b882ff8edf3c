// A real directory tree for the files plugin, with things outside the root that must never be read: a
// secret file, a file whose *name* is secret, and a FIFO with a writer blocked on it. Opening the FIFO for
// reading (even non-blocking) releases the writer, which then records it, so "nothing outside was opened"
// is something a test can check rather than assume.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Tree {
  /** The parent of `root` and `outside` (a real path). */
  readonly base: string;
  /** What the plugin is configured with. */
  readonly root: string;
  readonly outside: string;
  /** The content of outside/secret.txt. */
  readonly secret: string;
  /** The name of a file in outside/ (listing outside would show it). */
  readonly secretName: string;
  /** The FIFO outside the root, with a writer waiting for a reader. */
  readonly trap: string;
  /** True once anything opened the FIFO for reading. */
  trapSprung(): boolean;
  /**
   * Whether the FIFO's writer is still waiting for a reader, found out without waiting on a clock: this
   * opens the FIFO itself and gets the writer's "x" only if nothing opened it before (the writer then
   * finishes, so call it once, last). A writer already released makes it false as soon as the writer exits.
   */
  trapStillArmed(): Promise<boolean>;
  remove(): void;
}

/** Everything a test asserts a reply must not contain. */
export function forbidden(tree: Tree): string[] {
  return [tree.secret, tree.secretName, "root:x:0:0", tree.outside];
}

export function makeTree(): Tree {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "plugin-files-")));
  const root = join(base, "root");
  const outside = join(base, "outside");
  const secret = `TOP-SECRET-${randomBytes(8).toString("hex")}`;
  const secretName = `SECRET_NAME_${randomBytes(4).toString("hex")}.txt`;
  const trap = join(outside, "trap");
  const sprung = join(base, "trap-sprung");

  mkdirSync(join(root, "docs/nested"), { recursive: true });
  mkdirSync(join(root, "empty"));
  mkdirSync(join(root, "many"));
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), `${secret}\n`);
  writeFileSync(join(outside, secretName), secret);
  execFileSync("mkfifo", [trap]);
  execFileSync("mkfifo", [join(root, "pipe")]);

  writeFileSync(join(root, "notes.txt"), "first line\nTODO: write the guide\nlast line\n");
  writeFileSync(join(root, "docs/guide.md"), "# Guide\n\nSee notes.txt.\ntodo (lower case)\n");
  writeFileSync(join(root, "docs/nested/deep.txt"), `deep\n${"x".repeat(500)}TODO in a long line${"y".repeat(500)}\n`);
  writeFileSync(join(root, "docs/nested/ünïcødé.txt"), "héllo wörld ✓\n");
  writeFileSync(join(root, "image.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x54, 0x4f, 0x44, 0x4f]));
  writeFileSync(join(root, "large.txt"), `TODO\n${"z".repeat(10_000)}\n`);
  for (let i = 0; i < 12; i++) writeFileSync(join(root, "many", `file-${String(i).padStart(2, "0")}.txt`), `TODO ${i}\n`);

  // Links that stay inside the root: followed by list_files and read_file.
  symlinkSync("docs", join(root, "docs-link"));
  symlinkSync(join(root, "notes.txt"), join(root, "abs-inside"));
  symlinkSync("../notes.txt", join(root, "docs/notes-link"));
  // Links that lead out, in every way: refused.
  symlinkSync("/etc", join(root, "etc"));
  symlinkSync("/etc/passwd", join(root, "passwd"));
  symlinkSync("../outside/secret.txt", join(root, "secret-link"));
  symlinkSync(join(outside, "secret.txt"), join(root, "abs-secret"));
  symlinkSync("../outside", join(root, "outside-dir"));
  symlinkSync("../..", join(root, "docs/up"));
  symlinkSync("../docs/../../outside", join(root, "docs/sneaky"));
  symlinkSync(`${root}/../outside/secret.txt`, join(root, "abs-climb"));
  symlinkSync("../outside/trap", join(root, "trap-link"));
  symlinkSync("loop-b", join(root, "loop-a"));
  symlinkSync("loop-a", join(root, "loop-b"));
  symlinkSync("self", join(root, "self"));
  symlinkSync("does-not-exist", join(root, "dangling"));

  // The writer blocks in open() until something opens the FIFO for reading; then it records that.
  const writer: ChildProcess = spawn("sh", ["-c", 'printf x > "$1"; touch "$2"', "sh", trap, sprung], { stdio: "ignore", detached: true });
  writer.unref();
  const writerExited = new Promise<void>((resolve) => writer.once("exit", () => resolve()));
  const writerGone = () => writer.exitCode !== null || writer.signalCode !== null;

  async function trapStillArmed(): Promise<boolean> {
    if (existsSync(sprung) || writerGone()) return false;
    const reader = spawn("cat", [trap], { stdio: ["ignore", "pipe", "ignore"] });
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => (read += chunk.toString()));
    const readerDone = new Promise<void>((resolve) => reader.once("close", () => resolve()));
    // A writer released by someone else exits without meeting this reader, which would then wait forever
    // for one: be that writer, writing nothing, so the reader ends with what it got (possibly "x" already).
    void writerExited.then(() => {
      try {
        closeSync(openSync(trap, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader any more: it is done.
      }
    });
    await readerDone;
    return read === "x";
  }

  return {
    base,
    root,
    outside,
    secret,
    secretName,
    trap,
    trapSprung: () => existsSync(sprung),
    trapStillArmed,
    remove() {
      try {
        if (writer.pid !== undefined) process.kill(-writer.pid, "SIGKILL");
      } catch {
        // already gone
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Every way out of the root an agent might try, by tool, with what the refusal must say. */
export const escapes: { tool: string; args: Record<string, unknown>; refusal: RegExp }[] = [
  { tool: "read_file", args: { path: "../outside/secret.txt" }, refusal: /leads outside the root/ },
  { tool: "read_file", args: { path: "docs/../../outside/secret.txt" }, refusal: /leads outside the root/ },
  { tool: "read_file", args: { path: "./docs/nested/../../../outside/secret.txt" }, refusal: /leads outside the root/ },
  { tool: "read_file", args: { path: ".." }, refusal: /leads outside the root/ },
  { tool: "read_file", args: { path: "/etc/passwd" }, refusal: /is absolute; give a path relative to the root/ },
  { tool: "read_file", args: { path: "/" }, refusal: /is absolute/ },
  { tool: "read_file", args: { path: "etc/passwd" }, refusal: /goes through the symbolic link "etc", which leads outside the root/ },
  { tool: "read_file", args: { path: "passwd" }, refusal: /symbolic link "passwd", which leads outside/ },
  { tool: "read_file", args: { path: "secret-link" }, refusal: /symbolic link "secret-link", which leads outside/ },
  { tool: "read_file", args: { path: "abs-secret" }, refusal: /symbolic link "abs-secret", which leads outside/ },
  { tool: "read_file", args: { path: "abs-climb" }, refusal: /symbolic link "abs-climb", which leads outside/ },
  { tool: "read_file", args: { path: "outside-dir/secret.txt" }, refusal: /symbolic link "outside-dir", which leads outside/ },
  { tool: "read_file", args: { path: "docs/up/outside/secret.txt" }, refusal: /symbolic link "docs\/up", which leads outside/ },
  { tool: "read_file", args: { path: "docs/sneaky/secret.txt" }, refusal: /symbolic link "docs\/sneaky", which leads outside/ },
  { tool: "read_file", args: { path: "docs-link/up/outside/secret.txt" }, refusal: /symbolic link "docs\/up", which leads outside/ },
  { tool: "read_file", args: { path: "trap-link" }, refusal: /symbolic link "trap-link", which leads outside/ },
  { tool: "read_file", args: { path: "../outside/trap" }, refusal: /leads outside the root/ },
  { tool: "read_file", args: { path: "loop-a" }, refusal: /goes through more than 40 symbolic links \(a link loop\?\)/ },
  { tool: "read_file", args: { path: "self/x" }, refusal: /more than 40 symbolic links/ },
  { tool: "read_file", args: { path: "a\u0000b" }, refusal: /contains a NUL character/ },
  { tool: "list_files", args: { path: ".." }, refusal: /leads outside the root/ },
  { tool: "list_files", args: { path: "outside-dir" }, refusal: /symbolic link "outside-dir", which leads outside/ },
  { tool: "list_files", args: { path: "etc" }, refusal: /symbolic link "etc", which leads outside/ },
  { tool: "list_files", args: { path: "docs/up" }, refusal: /symbolic link "docs\/up", which leads outside/ },
  { tool: "list_files", args: { path: "/tmp" }, refusal: /is absolute/ },
  { tool: "list_files", args: { path: "loop-b" }, refusal: /a link loop/ },
  { tool: "search_files", args: { pattern: "SECRET", path: "outside-dir" }, refusal: /symbolic link "outside-dir", which leads outside/ },
  { tool: "search_files", args: { pattern: "root", path: "/etc" }, refusal: /is absolute/ },
  { tool: "search_files", args: { pattern: "SECRET", path: "../outside" }, refusal: /leads outside the root/ },
  { tool: "search_files", args: { pattern: "SECRET", path: "docs/sneaky" }, refusal: /symbolic link "docs\/sneaky", which leads outside/ },
];
