// The notes themselves: one Markdown file per note in a directory, named after its title. YOUR CODE: this
// is the work behind the tools; replace it with your service, database or API client. Throw an Error whose
// message the agent can act on: the SDK sends it back as the tool's error (`is_error`), not as a failure of
// the call.
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export interface SavedNote {
  readonly title: string;
  /** The note's file, relative to the notes directory. */
  readonly file: string;
  readonly bytes: number;
  readonly created: boolean;
}

export interface NoteMatch {
  readonly title: string;
  readonly file: string;
  /** 1-based line of the first match. */
  readonly line: number;
  /** The matching line, cut to 200 characters. */
  readonly excerpt: string;
}

/** A refusal the agent is told about: the note exists, the directory cannot be written… */
export class NoteRefusal extends Error {
  override readonly name = "NoteRefusal";
}

/**
 * The file name for a title: lowercase letters, digits and hyphens, so a note can only ever be written
 * inside the notes directory whatever the title says (no `/`, no `..`).
 */
export function fileNameFor(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  if (slug === "") throw new NoteRefusal(`title ${JSON.stringify(title)} has no letter or digit to name its file with`);
  return `${slug}.md`;
}

export class NotesStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** Creates the directory when missing; throws naming it when it cannot be used. */
  async open(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      if (!(await stat(this.dir)).isDirectory()) throw new Error("it is not a directory");
    } catch (err) {
      throw new NoteRefusal(`notes directory ${this.dir} cannot be used: ${(err as Error).message}`);
    }
  }

  /** Writes the note; refuses to replace an existing one unless `overwrite`. Atomic: a reader never sees half a note. */
  async save(title: string, text: string, overwrite: boolean): Promise<SavedNote> {
    await this.open();
    const file = fileNameFor(title);
    const path = join(this.dir, file);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists && !overwrite) {
      throw new NoteRefusal(`a note titled ${JSON.stringify(title)} already exists (${file}); pass overwrite: true to replace it`);
    }
    const content = `# ${title}\n\n${text.trimEnd()}\n`;
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, content, "utf8");
    await rename(temporary, path);
    return { title, file, bytes: Buffer.byteLength(content), created: !exists };
  }

  /** The notes whose title or text contains `query` (any letter case), newest first, at most `limit`. */
  async search(query: string, limit: number, signal: AbortSignal): Promise<{ matches: NoteMatch[]; searched: number }> {
    await this.open();
    const needle = query.toLowerCase();
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(".md"));
    const dated = await Promise.all(files.map(async (file) => ({ file, mtime: (await stat(join(this.dir, file))).mtimeMs })));
    dated.sort((a, b) => b.mtime - a.mtime || a.file.localeCompare(b.file));
    const matches: NoteMatch[] = [];
    for (const { file } of dated) {
      if (matches.length >= limit) break;
      signal.throwIfAborted();
      const lines = (await readFile(join(this.dir, file), "utf8")).split("\n");
      const title = lines[0]?.startsWith("# ") ? lines[0].slice(2) : file.slice(0, -3);
      const at = lines.findIndex((line) => line.toLowerCase().includes(needle));
      if (at !== -1) matches.push({ title, file, line: at + 1, excerpt: lines[at]!.slice(0, 200) });
    }
    return { matches, searched: files.length };
  }
}
