import type { IncomingMessage } from "node:http";

/** The body went over the limit while streaming (no Content-Length said so up front). */
export class BodyTooLarge extends Error {
  constructor(readonly bytesRead: number) {
    super(`request body over the limit after ${bytesRead} bytes`);
  }
}

/**
 * Reads a request body, refusing (before reading it all) once it passes `limit` bytes: rejects with
 * `BodyTooLarge` then, and with an `Error` when the client goes away before the body is complete.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      // The "error" listener stays: an error after this point must not go unhandled (and finish ignores it).
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onEnd = () => finish();
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish(new BodyTooLarge(size));
      } else chunks.push(chunk);
    };
    // "close" before "end" means the client went away mid-body. The error (and its stack) is made only then.
    const onClose = () => {
      if (!done) finish(new Error("client closed the connection before the body was complete"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", finish);
    req.on("close", onClose);
  });
}
