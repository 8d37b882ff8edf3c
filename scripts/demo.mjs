#!/usr/bin/env node
// `npm start`: serves the example Flyte agents on a loopback port and drives each one through the
// Propeller-like driver over real gRPC, printing every phase change and the outputs. Exits non-zero if
// any run ends differently from what it should.
import { createServer } from "node:http";
import { createLogger, serve } from "@agentwire/flyte";
import { createFlyteDriver } from "@agentwire/flyte/testing";
import { BatchJobAgent, batchJobTask, HttpRequestAgent, httpRequestTask } from "@agentwire/example-flyte-agents";

const log = (line) => process.stdout.write(`${line}\n`);

// A real HTTP endpoint for http_request to call.
const echo = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ method: req.method, path: req.url, received: body }));
  });
});
await new Promise((resolve) => echo.listen(0, "127.0.0.1", resolve));
const echoUrl = `http://127.0.0.1:${echo.address().port}/orders`;

// A loopback port with nothing listening: bound, then released.
const closed = createServer();
await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
const closedPort = closed.address().port;
await new Promise((resolve) => closed.close(resolve));

const server = await serve({
  agents: [new BatchJobAgent(), new HttpRequestAgent()],
  // PORT when set (read by serve, decimal only), else a free port.
  ...(process.env.PORT ? {} : { port: 0 }),
  host: "127.0.0.1",
  handleSignals: false,
  logger: createLogger({ level: process.env.LOG_LEVEL ?? "warn" }),
});
log(`agent server listening on ${server.url}`);

const driver = createFlyteDriver({
  url: server.url,
  pollIntervalMs: 200,
  onEvent: (event, task) =>
    log(`  [${task.taskType}] +${String(event.atMs).padStart(5)} ms  ${event.phase}${event.message ? `  ${event.message}` : ""}`),
});

const { agents } = await driver.clients.metadata.listAgents({});
log(`ListAgents: ${agents.map((a) => `${a.name} (${a.supportedTaskCategories.map((c) => `${c.name} v${c.version}`).join(", ")}, sync=${a.isSync})`).join("; ")}`);

const runs = [
  ["batch_job: a script that succeeds", "SUCCEEDED", () => driver.run(batchJobTask, { script: "echo hello from $(uname -s); sleep 0.5; echo done" })],
  ["batch_job: a script that fails", "FAILED", () => driver.run(batchJobTask, { script: "echo 'disk full' >&2; exit 3" })],
  [
    "batch_job: a long job, aborted after 1 s (DeleteTask)",
    "ABORTED",
    () => driver.run(batchJobTask, { script: "sleep 60" }, { signal: AbortSignal.timeout(1000) }),
  ],
  [
    "http_request: POST to a local HTTP server",
    "SUCCEEDED",
    () =>
      driver.run(httpRequestTask, { body: '{"item":"book"}' }, { custom: { url: echoUrl, method: "POST", headers: { "content-type": "application/json" } } }),
  ],
  [
    "http_request: nothing listening (recoverable failure)",
    "RETRYABLE_FAILED",
    () => driver.run(httpRequestTask, { body: "" }, { custom: { url: `http://127.0.0.1:${closedPort}/`, method: "GET" } }),
  ],
];

let wrong = 0;
for (const [title, expected, run] of runs) {
  log(`\n${title}`);
  const result = await run();
  if (result.outputs) log(`  outputs: ${JSON.stringify(result.outputs)}`);
  const ok = result.phase === expected;
  if (!ok) wrong++;
  log(`  => ${result.phase} (${result.mode})${ok ? "" : `  UNEXPECTED: wanted ${expected}`}`);
}

await server.close();
echo.close();
log(`\n${runs.length - wrong} of ${runs.length} runs ended as expected`);
process.exitCode = wrong === 0 ? 0 : 1;
