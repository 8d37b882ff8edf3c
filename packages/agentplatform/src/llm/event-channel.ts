// The queue between an author's `complete` (which pushes events whenever it likes, synchronously) and the
// gRPC response stream (which pulls them one at a time). It ends once, either cleanly or with an error,
// and events queued before the end are still delivered.

export type ChannelStep<T> = { done: false; value: T } | { done: true; failed: false } | { done: true; failed: true; error: unknown };

export class EventChannel<T> {
  private readonly items: T[] = [];
  private ending: { failed: false } | { failed: true; error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];

  /** True once the channel ended: later pushes are dropped. */
  get closed(): boolean {
    return this.ending !== undefined;
  }

  push(item: T): void {
    if (this.ending !== undefined) return;
    this.items.push(item);
    this.notify();
  }

  /** Ends cleanly after the queued items. A channel ends once; later calls are ignored. */
  close(): void {
    this.ending ??= { failed: false };
    this.notify();
    this.releaseDrainWaiters();
  }

  /** Ends with `error` after the queued items. */
  fail(error: unknown): void {
    this.ending ??= { failed: true, error };
    this.notify();
    this.releaseDrainWaiters();
  }

  /** Resolves once every queued item was taken (or the channel ended): a producer's backpressure. */
  drained(): Promise<void> {
    if (this.items.length === 0 || this.ending !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * The next item, or the end. Rejects with `signal`'s reason as soon as it fires, even with items queued:
   * nothing is delivered after a cancellation.
   */
  async next(signal: AbortSignal): Promise<ChannelStep<T>> {
    for (;;) {
      signal.throwIfAborted();
      if (this.items.length > 0) {
        const value = this.items.shift() as T;
        if (this.items.length === 0) this.releaseDrainWaiters();
        return { done: false, value };
      }
      if (this.ending !== undefined) return { done: true, ...this.ending };
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener("abort", onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
