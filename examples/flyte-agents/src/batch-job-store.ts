import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, open, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Batch jobs on local disk: each job is a directory holding its script's stdout, stderr and, once the
 * script ends, its exit code. A small `sh` wrapper, not this server, writes the exit code, so a job keeps
 * running and finishes correctly while the server restarts. The processes live on the host that started
 * them: another replica mounting the same directory sees the outcome but cannot signal the job.
 *
 *   <root>/<jobId>/stdout     what the script printed
 *   <root>/<jobId>/stderr
 *   <root>/<jobId>/exit_code  written (atomically, by rename) when the script ends
 *   <root>/<jobId>/deleted    written by `kill` before the process group is signalled
 */
export class BatchJobStore {
  constructor(readonly root: string = process.env.BATCH_JOBS_DIR ?? join(tmpdir(), "agentwire-batch-jobs")) {}

  dir(jobId: string): string {
    return join(this.root, jobId);
  }

  /**
   * Starts `sh -c script` as the leader of a new process group and returns its ids. `env` is added to the
   * script's environment (never written to the job's directory).
   */
  async start(script: string, env: Record<string, string> = {}): Promise<{ jobId: string; pgid: number }> {
    const jobId = randomUUID();
    const dir = this.dir(jobId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "script.sh"), script);
    const stdout = await open(join(dir, "stdout"), "w");
    const stderr = await open(join(dir, "stderr"), "w");
    try {
      // The wrapper runs the script in a child shell, then records its status. `detached` makes the
      // wrapper a process-group leader, so killing -pgid reaches the script and anything it started.
      const child = spawn(
        "sh",
        ["-c", 'sh -c "$1"; code=$?; echo "$code" > exit_code.tmp && mv exit_code.tmp exit_code', "batch-job", script],
        { cwd: dir, detached: true, stdio: ["ignore", stdout.fd, stderr.fd], env: { ...process.env, ...env } },
      );
      const pid = child.pid;
      if (pid === undefined) {
        throw await new Promise<Error>((resolve) => child.once("error", resolve));
      }
      child.unref();
      await writeFile(join(dir, "pgid"), String(pid));
      return { jobId, pgid: pid };
    } finally {
      await stdout.close();
      await stderr.close();
    }
  }

  async exitCode(jobId: string): Promise<number | undefined> {
    const text = await readOptional(join(this.dir(jobId), "exit_code"));
    if (text === undefined) return undefined;
    const code = Number.parseInt(text.trim(), 10);
    return Number.isNaN(code) ? undefined : code;
  }

  async exists(jobId: string): Promise<boolean> {
    return (await stat(this.dir(jobId)).catch(() => undefined))?.isDirectory() ?? false;
  }

  async wasDeleted(jobId: string): Promise<boolean> {
    return (await readOptional(join(this.dir(jobId), "deleted"))) !== undefined;
  }

  /**
   * True while any process of the group is alive. Zombies do not count: in a container whose PID 1 does
   * not reap orphans, a killed script can linger as a zombie forever, and it must not read as RUNNING.
   */
  isRunning(pgid: number): boolean {
    try {
      process.kill(-pgid, 0);
    } catch {
      // ESRCH: the group is gone. EPERM: the id now belongs to another user's processes (it was reused).
      return false;
    }
    if (process.platform !== "linux") return true;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited while we looked
      }
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
    }
    return false;
  }

  /** Marks the job deleted and signals its process group. Harmless when it already ended. */
  async kill(jobId: string, pgid: number): Promise<void> {
    await writeFile(join(this.dir(jobId), "deleted.tmp"), new Date().toISOString());
    await rename(join(this.dir(jobId), "deleted.tmp"), join(this.dir(jobId), "deleted"));
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (!this.isRunning(pgid)) return;
      try {
        process.kill(-pgid, signal);
      } catch {
        return;
      }
      if (signal === "SIGTERM") await waitUntil(() => !this.isRunning(pgid), 2000);
    }
  }

  /** Up to `limit` bytes of a stream from the start, and its full size. */
  async head(jobId: string, stream: "stdout" | "stderr", limit: number): Promise<{ text: string; size: number }> {
    const path = join(this.dir(jobId), stream);
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    const handle = await open(path, "r").catch(() => undefined);
    if (!handle) return { text: "", size: 0 };
    try {
      const buffer = Buffer.alloc(Math.min(size, limit));
      await handle.read(buffer, 0, buffer.length, 0);
      return { text: buffer.toString("utf8"), size };
    } finally {
      await handle.close();
    }
  }

  /** The last `limit` bytes of a stream. */
  async tail(jobId: string, stream: "stdout" | "stderr", limit: number): Promise<string> {
    const path = join(this.dir(jobId), stream);
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    const handle = await open(path, "r").catch(() => undefined);
    if (!handle) return "";
    try {
      const length = Math.min(size, limit);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString("utf8");
    } finally {
      await handle.close();
    }
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
