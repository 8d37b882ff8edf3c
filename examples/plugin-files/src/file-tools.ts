// What the three tools do, on a root that is already a real path. Everything the agent names goes through
// resolveInside; everything opened goes through openFileInside/readDirInside. Refusals are PathRefusals,
// whose messages the agent sees as the tool's error.
import { join } from "node:path";
import type { Dirent } from "node:fs";
import { lstat } from "node:fs/promises";
import { displayPath, openFileInside, PathRefusal, readDirInside, resolveInside, type Resolved } from "./confined-path.js";

export interface Limits {
  /** Largest file read_file returns and search_files searches, in bytes. */
  readonly maxFileBytes: number;
  /** Most entries list_files returns, and most matches search_files returns. */
  readonly maxResults: number;
}

/** How many files one search opens at most, whatever the limits: a search must end in reasonable time. */
export const maxFilesSearched = 5000;
/** Longest line of context a match carries; longer lines are cut around the match. */
export const maxLineChars = 240;

export type EntryType = "file" | "directory" | "symlink" | "other";

export interface ListedEntry {
  readonly name: string;
  readonly type: EntryType;
  /** Files only, in bytes. */
  readonly size?: number;
}

export interface ListFilesResult {
  readonly path: string;
  readonly entries: ListedEntry[];
  /** How many entries the directory has (more than `entries` when truncated). */
  readonly total: number;
  readonly truncated: boolean;
  readonly note?: string;
}

function typeOf(entry: Dirent): EntryType {
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isDirectory()) return "directory";
  if (entry.isFile()) return "file";
  return "other";
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The entries of a directory, sorted by name. Links are listed as links; where they lead is not shown. */
export async function listFiles(root: string, path: string, limits: Limits): Promise<ListFilesResult> {
  const dir = await resolveInside(root, path);
  if (!dir.stats.isDirectory()) throw new PathRefusal(`path ${JSON.stringify(path)} is a file, not a directory; read it with read_file`);
  const all = (await readDirInside(dir)).sort(byName);
  const shown = all.slice(0, limits.maxResults);
  const entries = await Promise.all(
    shown.map(async (entry): Promise<ListedEntry> => {
      const type = typeOf(entry);
      if (type !== "file") return { name: entry.name, type };
      try {
        return { name: entry.name, type, size: (await lstat(join(dir.real, entry.name))).size };
      } catch {
        return { name: entry.name, type };
      }
    }),
  );
  const truncated = all.length > shown.length;
  return {
    path: dir.display,
    entries,
    total: all.length,
    truncated,
    ...(truncated ? { note: `showing the first ${shown.length} of ${all.length} entries (the plugin's max_results)` } : {}),
  };
}

export interface ReadFileResult {
  readonly path: string;
  readonly size: number;
  readonly content: string;
}

/** A file over the size limit: read_file refuses it, search_files skips it. */
class FileTooLarge extends PathRefusal {}

function tooLarge(display: string, size: number, limits: Limits): FileTooLarge {
  return new FileTooLarge(
    `file ${JSON.stringify(display)} is ${size} bytes, more than the ${limits.maxFileBytes} bytes read_file returns (the plugin's max_file_bytes)`,
  );
}

/** Reads a file's bytes, refusing files over the limit (even ones that grew while being read). */
async function readCapped(file: Resolved, limits: Limits): Promise<Buffer> {
  const handle = await openFileInside(file);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new PathRefusal(`path ${JSON.stringify(file.display)} is not a regular file`);
    if (stats.size > limits.maxFileBytes) throw tooLarge(file.display, stats.size, limits);
    const buffer = Buffer.alloc(limits.maxFileBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limits.maxFileBytes) throw tooLarge(file.display, length, limits);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function isBinary(bytes: Buffer): boolean {
  return bytes.includes(0);
}

/** A text file's content (UTF-8; invalid sequences become U+FFFD). */
export async function readFile(root: string, path: string, limits: Limits): Promise<ReadFileResult> {
  const file = await resolveInside(root, path);
  if (file.stats.isDirectory()) throw new PathRefusal(`path ${JSON.stringify(path)} is a directory; list it with list_files`);
  if (!file.stats.isFile()) throw new PathRefusal(`path ${JSON.stringify(path)} is not a regular file`);
  const bytes = await readCapped(file, limits);
  if (isBinary(bytes)) throw new PathRefusal(`file ${JSON.stringify(file.display)} looks binary (it contains NUL bytes); read_file returns text files`);
  return { path: file.display, size: bytes.length, content: bytes.toString("utf8") };
}

export interface SearchMatch {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
}

export interface SearchFilesResult {
  readonly pattern: string;
  readonly path: string;
  readonly matches: SearchMatch[];
  readonly files_searched: number;
  readonly truncated: boolean;
  /** What was not searched, and why: links are never followed; large, binary and unreadable files are skipped. */
  readonly skipped: { symlinks: number; too_large: number; binary: number; unreadable: number };
  readonly note?: string;
}

/** The line, or a window of it around the match when it is long. */
function excerpt(line: string, at: number, length: number): string {
  if (line.length <= maxLineChars) return line;
  const start = Math.max(0, Math.min(at - Math.floor((maxLineChars - length) / 2), line.length - maxLineChars));
  return `${start > 0 ? "…" : ""}${line.slice(start, start + maxLineChars)}${start + maxLineChars < line.length ? "…" : ""}`;
}

/**
 * Finds lines containing `pattern` (literal text, not a regular expression: an agent's regex could take
 * exponential time) in the text files under `path`, depth first in name order. Symbolic links are never
 * followed, so a search cannot leave the root or loop.
 */
export async function searchFiles(
  root: string,
  pattern: string,
  path: string,
  options: { ignoreCase: boolean; signal: AbortSignal },
  limits: Limits,
): Promise<SearchFilesResult> {
  const start = await resolveInside(root, path);
  const needle = options.ignoreCase ? pattern.toLowerCase() : pattern;
  const matches: SearchMatch[] = [];
  const skipped = { symlinks: 0, too_large: 0, binary: 0, unreadable: 0 };
  let filesSearched = 0;
  let stoppedBy: "matches" | "files" | undefined;

  const searchFile = async (file: Resolved) => {
    if (filesSearched >= maxFilesSearched) {
      stoppedBy = "files";
      return;
    }
    if (file.stats.size > limits.maxFileBytes) {
      skipped.too_large++;
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await readCapped(file, limits);
    } catch (err) {
      if (err instanceof FileTooLarge) skipped.too_large++;
      else skipped.unreadable++;
      return;
    }
    filesSearched++;
    if (isBinary(bytes)) {
      skipped.binary++;
      return;
    }
    const lines = bytes.toString("utf8").split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const at = (options.ignoreCase ? line.toLowerCase() : line).indexOf(needle);
      if (at < 0) continue;
      if (matches.length >= limits.maxResults) {
        stoppedBy = "matches";
        return;
      }
      matches.push({ path: file.display, line: i + 1, text: excerpt(line, at, needle.length) });
    }
  };

  const walk = async (dir: Resolved): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = (await readDirInside(dir)).sort(byName);
    } catch {
      skipped.unreadable++;
      return;
    }
    for (const entry of entries) {
      if (stoppedBy !== undefined) return;
      options.signal.throwIfAborted();
      if (entry.isSymbolicLink()) {
        skipped.symlinks++;
        continue;
      }
      const real = join(dir.real, entry.name);
      let stats;
      try {
        stats = await lstat(real);
      } catch {
        skipped.unreadable++;
        continue;
      }
      // Checked again: the entry may have been replaced by a link since the directory was read.
      if (stats.isSymbolicLink()) skipped.symlinks++;
      else if (stats.isDirectory()) await walk({ real, display: displayPath(root, real), stats });
      else if (stats.isFile()) await searchFile({ real, display: displayPath(root, real), stats });
    }
  };

  if (start.stats.isDirectory()) await walk(start);
  else if (start.stats.isFile()) await searchFile(start);
  else throw new PathRefusal(`path ${JSON.stringify(path)} is neither a file nor a directory`);

  const notes = {
    matches: `stopped at ${limits.maxResults} matches (the plugin's max_results); search a narrower path or a more specific pattern`,
    files: `stopped after searching ${maxFilesSearched} files; search a narrower path`,
  };
  return {
    pattern,
    path: start.display,
    matches,
    files_searched: filesSearched,
    truncated: stoppedBy !== undefined,
    skipped,
    ...(stoppedBy !== undefined ? { note: notes[stoppedBy] } : {}),
  };
}
