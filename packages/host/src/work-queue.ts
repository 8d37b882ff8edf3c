// Propeller works its tasks with a fixed pool of workers (the webapi cache's `workers: 10`); the host does
// the same, so that ten thousand due polls make at most `concurrency` calls at once.

/** Runs queued jobs, at most `concurrency` at a time, in the order they were queued. */
export class WorkQueue {
  private readonly jobs: Array<() => Promise<void>> = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  get size(): number {
    return this.jobs.length + this.running;
  }

  push(job: () => Promise<void>): void {
    if (this.stopped) return;
    this.jobs.push(job);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      this.running += 1;
      void job()
        .catch(this.onError)
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.running === 0 && (this.jobs.length === 0 || this.stopped)) this.idleWaiters.splice(0).forEach((w) => w());
        });
    }
  }

  /** Drops the jobs not yet started and resolves once the running ones have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.jobs.length = 0;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
