// The other side of servers.mjs's startNodeServer, for the server scripts the benches spawn: say the port
// on the first stdout line, and exit when stdin ends.

/** Writes `{"port":N}` on stdout. */
export function announcePort(port) {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

/** Listens on 127.0.0.1 and a free port, then announces it. */
export function listenAndAnnounce(server) {
  server.listen(0, "127.0.0.1", () => announcePort(server.address().port));
}

/**
 * When stdin ends (the bench stops this server): `close()`, then exit 0 once it has closed (a promise) or
 * after `graceMs`, whichever comes first.
 */
export function exitWhenStdinEnds(close, graceMs) {
  process.stdin.resume();
  process.stdin.on("end", () => {
    setTimeout(() => process.exit(0), graceMs).unref();
    close().then(() => process.exit(0));
  });
}

/** `server.close()` as a promise of its "close" event (`also` runs right after close, e.g. closeAllConnections). */
export function closeServer(server, also) {
  return () => {
    server.close();
    also?.();
    return new Promise((res) => server.once("close", res));
  };
}
