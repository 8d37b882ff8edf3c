// Baseline server: node:http, read the body, bare-handler.mjs's `answer`, write JSON with a 200. On
// 127.0.0.1 and a free port; prints `{"port":N}` on stdout once listening; exits when stdin ends.
import { createServer } from "node:http";
import { answer } from "./bare-handler.mjs";

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const [status, text] = answer(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => {
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 200).unref();
  server.once("close", () => process.exit(0));
});
