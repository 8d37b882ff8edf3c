import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One task, as the routes answer it. */
export interface Task {
  /** Unique in its workspace: "1", "2", ... (never reused). */
  id: string;
  title: string;
  done: boolean;
  /** ISO 8601. */
  createdAt: string;
}

export interface TaskCounts {
  total: number;
  open: number;
  done: number;
}

interface WorkspaceTasks {
  nextId: number;
  tasks: Task[];
}

/**
 * Tasks, kept per workspace. With a directory, each workspace's tasks are one JSON file there
 * (`<dir>/<workspace id, percent-encoded>.json`, replaced atomically on each change), so they survive a
 * restart; without one they live in memory and are gone when the plugin stops. One plugin process owns a
 * directory: two replicas writing the same files would overwrite each other's changes.
 */
export class TaskStore {
  private readonly cache = new Map<string, Promise<WorkspaceTasks>>();
  // Changes to one workspace run one after the other, so two quick POSTs cannot lose a task.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(readonly dir?: string) {}

  async list(workspaceId: string): Promise<Task[]> {
    return (await this.load(workspaceId)).tasks.map((t) => ({ ...t }));
  }

  async counts(workspaceId: string): Promise<TaskCounts> {
    const { tasks } = await this.load(workspaceId);
    const done = tasks.filter((t) => t.done).length;
    return { total: tasks.length, open: tasks.length - done, done };
  }

  add(workspaceId: string, title: string): Promise<Task> {
    return this.change(workspaceId, (state) => {
      const task: Task = { id: String(state.nextId), title, done: false, createdAt: new Date().toISOString() };
      state.nextId += 1;
      state.tasks.push(task);
      return { ...task };
    });
  }

  /** Applies `patch` to a task; undefined if the workspace has no task `id`. */
  update(workspaceId: string, id: string, patch: { title?: string; done?: boolean }): Promise<Task | undefined> {
    return this.change(workspaceId, (state) => {
      const task = state.tasks.find((t) => t.id === id);
      if (task === undefined) return undefined;
      if (patch.title !== undefined) task.title = patch.title;
      if (patch.done !== undefined) task.done = patch.done;
      return { ...task };
    });
  }

  /** True if the task was there. */
  remove(workspaceId: string, id: string): Promise<boolean> {
    return this.change(workspaceId, (state) => {
      const before = state.tasks.length;
      state.tasks = state.tasks.filter((t) => t.id !== id);
      return state.tasks.length !== before;
    });
  }

  private file(workspaceId: string): string | undefined {
    // encodeURIComponent leaves no "/" (and "." alone cannot name a directory with the suffix added).
    return this.dir === undefined ? undefined : join(this.dir, `${encodeURIComponent(workspaceId)}.json`);
  }

  private load(workspaceId: string): Promise<WorkspaceTasks> {
    let loaded = this.cache.get(workspaceId);
    if (loaded === undefined) {
      loaded = this.read(workspaceId);
      this.cache.set(workspaceId, loaded);
      // A failed read is retried next time rather than remembered.
      loaded.catch(() => this.cache.delete(workspaceId));
    }
    return loaded;
  }

  private async read(workspaceId: string): Promise<WorkspaceTasks> {
    const file = this.file(workspaceId);
    if (file === undefined) return { nextId: 1, tasks: [] };
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { nextId: 1, tasks: [] };
      throw err;
    }
    const parsed = JSON.parse(text) as WorkspaceTasks;
    return { nextId: parsed.nextId, tasks: parsed.tasks };
  }

  private change<T>(workspaceId: string, apply: (state: WorkspaceTasks) => T): Promise<T> {
    const previous = this.queues.get(workspaceId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const state = await this.load(workspaceId);
        // Work on a copy: if writing the file fails, the tasks stay as they were on disk.
        const draft: WorkspaceTasks = { nextId: state.nextId, tasks: state.tasks.map((t) => ({ ...t })) };
        const result = apply(draft);
        await this.write(workspaceId, draft);
        state.nextId = draft.nextId;
        state.tasks = draft.tasks;
        return result;
      });
    this.queues.set(workspaceId, next);
    return next;
  }

  private async write(workspaceId: string, state: WorkspaceTasks): Promise<void> {
    const file = this.file(workspaceId);
    if (file === undefined || this.dir === undefined) return;
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(temp, file);
  }
}
