// Baseline server: node:http, read the body, bare-handler.mjs's `answer`, write JSON with a 200. On
// 127.0.0.1 and a free port; prints `{"port":N}` on stdout once listening; exits when stdin ends.
import { createServer } from "node:http";
import { answer } from "./bare-handler.mjs";
import { closeServer, exitWhenStdinEnds, listenAndAnnounce } from "../../../scripts/bench-kit/child.mjs";

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const [status, text] = answer(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
});
listenAndAnnounce(server);
exitWhenStdinEnds(closeServer(server, () => server.closeAllConnections()), 200);
