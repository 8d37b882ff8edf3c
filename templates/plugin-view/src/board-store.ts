// The board's storage: one JSON file holding every workspace's tasks.
//
// YOUR CODE: swap this for your own storage (a database, an HTTP API) by keeping the same methods; the
// views in board-views.ts only call list/add/update/remove.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { AgentwireError } from "@agentwire/agentplatform";

/** The board's columns, in order. */
export const statuses = ["todo", "doing", "done"] as const;
export type TaskStatus = (typeof statuses)[number];

export interface Task {
  id: string;
  text: string;
  status: TaskStatus;
  createdAt: string;
}

/** The file's shape: tasks by workspace id. */
interface BoardFile {
  workspaces: Record<string, Task[]>;
}

/**
 * Tasks by workspace, kept in `file` (created on first write, with its folder). Writes go to a temporary
 * file renamed over the old one, one at a time, so a crash never leaves half a file.
 */
export class BoardStore {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.file = resolve(file);
  }

  /** Reads the whole file; a missing file is an empty board, a damaged one an UNAVAILABLE naming the file. */
  async read(): Promise<BoardFile> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { workspaces: {} };
      throw new AgentwireError("unavailable", `cannot read the board's data file ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const parsed = JSON.parse(text) as Partial<BoardFile> | null;
      if (typeof parsed?.workspaces !== "object" || parsed.workspaces === null) throw new Error('no "workspaces" object');
      return { workspaces: parsed.workspaces };
    } catch (err) {
      throw new AgentwireError("unavailable", `the board's data file ${this.file} is damaged (${(err as Error).message}); fix it or move it away`, { cause: err });
    }
  }

  /** Runs `change` on the file's contents and writes the result, after any change already under way. */
  private change<T>(change: (board: BoardFile) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const board = await this.read();
      const result = change(board);
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(board, null, 2)}\n`);
      await rename(temporary, this.file);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async list(workspace: string): Promise<Task[]> {
    await this.queue;
    return (await this.read()).workspaces[workspace] ?? [];
  }

  add(workspace: string, text: string, status: TaskStatus = "todo"): Promise<Task> {
    return this.change((board) => {
      const task: Task = { id: randomUUID().slice(0, 8), text, status, createdAt: new Date().toISOString() };
      board.workspaces[workspace] = [...(board.workspaces[workspace] ?? []), task];
      return task;
    });
  }

  /** The updated task, or undefined when the workspace has no task `id`. */
  update(workspace: string, id: string, fields: { text?: string | undefined; status?: TaskStatus | undefined }): Promise<Task | undefined> {
    return this.change((board) => {
      const task = board.workspaces[workspace]?.find((t) => t.id === id);
      if (task === undefined) return undefined;
      if (fields.text !== undefined) task.text = fields.text;
      if (fields.status !== undefined) task.status = fields.status;
      return task;
    });
  }

  /** True when the task was there. */
  remove(workspace: string, id: string): Promise<boolean> {
    return this.change((board) => {
      const tasks = board.workspaces[workspace] ?? [];
      const kept = tasks.filter((t) => t.id !== id);
      board.workspaces[workspace] = kept;
      return kept.length < tasks.length;
    });
  }
}
