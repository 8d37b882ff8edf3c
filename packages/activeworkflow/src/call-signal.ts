/**
 * A call's `ctx.signal`: one `AbortController` per call, aborted by the first of its sources (the
 * request's hang-up signal, the server's shutdown signal) to fire, with its reason.
 *
 * It replaces `AbortSignal.any([request, shutdown])`, which on Node 20 leaves an entry on the
 * long-lived shutdown signal for every call, never removed (nodejs/node#55351): a server leaked a few
 * hundred bytes per call. Here the call adds one listener to each source and removes both when the call
 * ends (`end`) or one source fires, so the shutdown signal holds nothing from finished calls.
 *
 * The controller and the listeners are made on the first read of `signal`: most agents never read it,
 * and then a call costs nothing here.
 */
export class CallSignal {
  private controller: AbortController | undefined;
  private request: AbortSignal | undefined;
  private shutdown: AbortSignal | undefined;
  private onAbort: ((event: Event) => void) | undefined;
  private ended = false;

  /**
   * `request` may be given as a function, asked for its signal only on the first read of `signal`:
   * `serve` makes its hang-up controller only for calls that read `ctx.signal`.
   */
  constructor(
    private readonly givenRequest: AbortSignal | (() => AbortSignal) | undefined,
    private readonly givenShutdown: AbortSignal | undefined,
  ) {}

  get signal(): AbortSignal {
    if (this.controller !== undefined) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    // Read after the call answered (a callback the agent left behind): nothing to link to any more.
    if (this.ended) return controller.signal;
    const request = typeof this.givenRequest === "function" ? this.givenRequest() : this.givenRequest;
    const shutdown = this.givenShutdown;
    const fired = request?.aborted ? request : shutdown?.aborted ? shutdown : undefined;
    if (fired !== undefined) {
      controller.abort(fired.reason);
    } else if (request !== undefined || shutdown !== undefined) {
      const onAbort = (event: Event): void => {
        this.unlink();
        controller.abort((event.target as AbortSignal).reason);
      };
      this.onAbort = onAbort;
      this.request = request;
      this.shutdown = shutdown;
      request?.addEventListener("abort", onAbort);
      shutdown?.addEventListener("abort", onAbort);
    }
    return controller.signal;
  }

  /** The call has answered: stop listening to the sources (a signal first read after this never fires). */
  end(): void {
    this.ended = true;
    this.unlink();
  }

  private unlink(): void {
    const onAbort = this.onAbort;
    if (onAbort === undefined) return;
    this.onAbort = undefined;
    this.request?.removeEventListener("abort", onAbort);
    this.shutdown?.removeEventListener("abort", onAbort);
    this.request = undefined;
    this.shutdown = undefined;
  }
}
