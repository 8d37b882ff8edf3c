/** The request/response pair of a Node HTTP or HTTP/2 (compatibility API) server. */
type NodeRequestHandler<Req, Res> = (req: Req, res: Res) => void;

interface TrackedResponse {
  once(event: "finish" | "close", listener: () => void): unknown;
}

/**
 * Counts calls in flight, so a graceful shutdown knows when the last one is done. It wraps the request
 * handler rather than listening to the server's "request" event so its listeners are attached before the
 * handler runs. A call ends at the first of "finish" or "close".
 *
 * Known limit: an HTTP/2 call answered before the client finished sending its request (a message refused
 * as over the size limit) stays half open until the client gives up, so a shutdown then waits for its
 * deadline. Resetting the stream early makes connect-node clients lose the answer ("Premature close").
 */
export class CallTracker {
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  get inFlight(): number {
    return this.active;
  }

  wrap<Req, Res extends TrackedResponse>(handler: NodeRequestHandler<Req, Res>): NodeRequestHandler<Req, Res> {
    return (req, res) => {
      this.active += 1;
      let open = true;
      const done = () => {
        if (!open) return;
        open = false;
        this.active -= 1;
        if (this.active === 0) this.flushIdle();
      };
      res.once("finish", done);
      res.once("close", done);
      handler(req, res);
    };
  }

  /** Runs `callback` once no call is in flight (at once if none is). */
  whenIdle(callback: () => void): void {
    if (this.active === 0) callback();
    else this.idleWaiters.push(callback);
  }

  private flushIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
