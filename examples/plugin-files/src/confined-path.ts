// Paths an agent sends, confined to one root directory. The agent is not trusted: a path may try to leave
// the root with `..`, an absolute path, or a symbolic link (at the end of the path or in the middle, to a
// target outside, or to itself). Every such path is refused before anything outside the root is opened.
//
// How: the root is resolved once per call with realpath. The agent's path is then walked one component at a
// time from the root with lstat, never asking the OS to resolve a path the agent wrote. A symbolic link is
// read (readlink: the link itself is inside the root) and its target walked the same way, so a target
// outside the root is refused without being touched; `..` may not climb above the root. The result is a
// path with no symbolic link in it, opened with O_NOFOLLOW, and on Linux the opened descriptor's real
// path (/proc/self/fd) is checked against it, so a directory swapped for a link between the walk and the
// open is caught too. Directories are read through that descriptor.
import { constants, type Dirent, type Stats } from "node:fs";
import { lstat, open, readdir, readlink, realpath, type FileHandle } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";

/** A path refused, or a file the tools will not read: the message is what the agent is told. */
export class PathRefusal extends Error {
  override readonly name = "PathRefusal";
}

/** How many symbolic links one path may go through, as Linux's own limit (ELOOP). */
const maxLinks = 40;

function quote(text: string): string {
  return JSON.stringify(text);
}

function segmentsOf(path: string): string[] {
  return path.split("/").filter((s) => s !== "" && s !== ".");
}

function within(root: string, path: string): boolean {
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  return path === root || path.startsWith(prefix);
}

/** The root's real path; refused (with the root named) when it is missing or not a directory. */
export async function realRoot(root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(root);
  } catch (err) {
    throw new PathRefusal(`the root ${quote(root)} is not available: ${describeFsError(err)}`);
  }
  const stats = await lstat(real);
  if (!stats.isDirectory()) throw new PathRefusal(`the root ${quote(root)} is not a directory`);
  return real;
}

/** `a/b` for a real path inside the root, `.` for the root. */
export function displayPath(root: string, real: string): string {
  return relative(root, real).split(sep).join("/") || ".";
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "it does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of it is not a directory";
    case "ELOOP":
      return "too many symbolic links";
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** A filesystem error on `path` as a refusal the agent can act on. */
export function fsRefusal(path: string, err: unknown): PathRefusal {
  return new PathRefusal(`path ${quote(path)}: ${describeFsError(err)}`);
}

/** A resolved path: real (no symbolic links anywhere in it), inside the root. */
export interface Resolved {
  /** The absolute real path. */
  readonly real: string;
  /** The path relative to the root, as shown to the agent. */
  readonly display: string;
  /** lstat of `real` at resolution time. */
  readonly stats: Stats;
}

/**
 * Resolves `path` (relative to `root`, a real path) to a real path inside the root, following symbolic
 * links whose targets stay inside. Refuses (PathRefusal) absolute paths, paths that climb out with `..`,
 * links that lead out, link loops, and paths that do not exist.
 */
export async function resolveInside(root: string, path: string): Promise<Resolved> {
  if (path.includes("\0")) throw new PathRefusal(`path ${quote(path)} contains a NUL character`);
  if (isAbsolute(path)) {
    throw new PathRefusal(`path ${quote(path)} is absolute; give a path relative to the root, such as "docs/README.md" ("." is the root)`);
  }
  const outside = (link: string | undefined) =>
    new PathRefusal(
      link === undefined
        ? `path ${quote(path)} leads outside the root; paths are relative to the root and cannot leave it`
        : `path ${quote(path)} goes through the symbolic link ${quote(link)}, which leads outside the root; only links that stay inside the root are followed`,
    );

  const pending = segmentsOf(path);
  let current = root;
  let stats = await lstat(root);
  let links = 0;
  let link: string | undefined;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === "..") {
      if (current === root) throw outside(link);
      // `current` is a real directory (no link in it), so its parent is the real parent.
      current = current.slice(0, current.lastIndexOf(sep)) || sep;
      stats = await lstat(current);
      continue;
    }
    if (!stats.isDirectory()) {
      throw new PathRefusal(`path ${quote(path)}: ${quote(displayPath(root, current))} is a file, not a directory`);
    }
    const next = join(current, segment);
    let nextStats: Stats;
    try {
      nextStats = await lstat(next);
    } catch (err) {
      throw fsRefusal(path, err);
    }
    if (nextStats.isSymbolicLink()) {
      if (++links > maxLinks) throw new PathRefusal(`path ${quote(path)} goes through more than ${maxLinks} symbolic links (a link loop?)`);
      link = displayPath(root, next);
      const target = await readlink(next);
      if (isAbsolute(target)) {
        // Judged as written: a target is inside only if it names the root's real path.
        if (!within(root, target)) throw outside(link);
        current = root;
        stats = await lstat(root);
        pending.unshift(...segmentsOf(target.slice(root.length)));
      } else {
        pending.unshift(...segmentsOf(target));
      }
      continue;
    }
    current = next;
    stats = nextStats;
  }
  return { real: current, display: displayPath(root, current), stats };
}

/**
 * Checks that `handle` holds `expected` (a real path from `resolveInside`): where /proc/self/fd exists
 * (Linux) by the descriptor's own path, answering true; elsewhere by device and inode against a fresh
 * lstat, answering false.
 */
async function verifyOpened(handle: FileHandle, expected: string, display: string): Promise<boolean> {
  let actual: string | undefined;
  try {
    actual = await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    actual = undefined;
  }
  if (actual !== undefined) {
    if (actual !== expected) throw new PathRefusal(`path ${quote(display)} changed while it was being opened; try again`);
    return true;
  }
  const [opened, named] = await Promise.all([handle.stat(), lstat(expected)]);
  if (opened.dev !== named.dev || opened.ino !== named.ino) throw new PathRefusal(`path ${quote(display)} changed while it was being opened; try again`);
  return false;
}

/**
 * Opens a resolved file for reading: O_NOFOLLOW (the last component cannot have become a link), O_NONBLOCK
 * (a FIFO cannot hang the call), then verified. The caller closes it.
 */
export async function openFileInside(resolved: Resolved): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(resolved.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw fsRefusal(resolved.display, err);
  }
  try {
    await verifyOpened(handle, resolved.real, resolved.display);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The entries of a resolved directory, read through a verified descriptor (Linux) or its real path. */
export async function readDirInside(resolved: Resolved): Promise<Dirent[]> {
  let handle: FileHandle;
  try {
    handle = await open(resolved.real, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (err) {
    throw fsRefusal(resolved.display, err);
  }
  try {
    const viaProc = await verifyOpened(handle, resolved.real, resolved.display);
    // /proc/self/fd/N names the directory the descriptor holds, whatever its path names by now.
    return await readdir(viaProc ? `/proc/self/fd/${handle.fd}` : resolved.real, { withFileTypes: true });
  } catch (err) {
    if (err instanceof PathRefusal) throw err;
    throw fsRefusal(resolved.display, err);
  } finally {
    await handle.close();
  }
}
