// A real loopback HTTP server for HttpStatusAgent to request, recording every request it gets.
import { createServer, type IncomingHttpHeaders } from "node:http";

export interface TargetRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** True once the request's connection closed before the answer was sent. */
  abandoned: boolean;
}

export interface TargetServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: TargetRequest[];
  /** What `/flip` answers; change it between calls. */
  flipStatus: number;
  /** Requests to one path. */
  seen(path: string): TargetRequest[];
  /** Resolves with the first request to `path` (already made or to come). */
  requested(path: string): Promise<TargetRequest>;
  /** Resolves once `request`'s connection closed before the answer was sent. */
  abandoned(request: TargetRequest): Promise<void>;
  close(): Promise<void>;
}

/**
 * Routes: `/status/<code>` answers that status; `/flip` answers `flipStatus`; `/slow/<ms>` answers 200
 * after that many milliseconds; `/redirect` answers 302 to `/status/200`; anything else 404.
 */
export async function startTarget(): Promise<TargetServer> {
  const requests: TargetRequest[] = [];
  const requestWaiters: Array<{ path: string; resolve: (request: TargetRequest) => void }> = [];
  const abandonWaiters = new Map<TargetRequest, Array<() => void>>();
  const target = {
    url: "",
    requests,
    flipStatus: 200,
    seen: (path: string) => requests.filter((r) => r.path === path),
    requested: (path: string) =>
      new Promise<TargetRequest>((resolve) => {
        const made = requests.find((r) => r.path === path);
        if (made) resolve(made);
        else requestWaiters.push({ path, resolve });
      }),
    abandoned: (request: TargetRequest) =>
      new Promise<void>((resolve) => {
        if (request.abandoned) resolve();
        else abandonWaiters.set(request, [...(abandonWaiters.get(request) ?? []), resolve]);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const record: TargetRequest = { method: req.method ?? "?", path, headers: req.headers, abandoned: false };
    requests.push(record);
    for (const waiter of requestWaiters.filter((w) => w.path === path)) {
      requestWaiters.splice(requestWaiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }
    res.once("close", () => {
      if (res.writableFinished) return;
      record.abandoned = true;
      for (const resolve of abandonWaiters.get(record) ?? []) resolve();
      abandonWaiters.delete(record);
    });
    const answer = (status: number, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end(`status ${status} for ${path}\n`);
    };
    const [, route, arg] = path.split("/");
    if (route === "status") answer(Number(arg));
    else if (route === "flip") answer(target.flipStatus);
    else if (route === "slow") setTimeout(() => answer(200), Number(arg));
    else if (route === "redirect") answer(302, { location: "/status/200" });
    else answer(404);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return target;
}
