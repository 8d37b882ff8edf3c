#!/usr/bin/env node
// A small, real job API for local development, the tests and `npm run conformance`: a stand-in for the
// batch system your agent will talk to in production. Jobs live in memory; each one counts the words and
// lines of a text, and takes `seconds` of wall time to do it (to show RUNNING, and to leave time to cancel).
//
//   POST   /jobs       {"text": "...", "seconds": 0}  → 201 {"id", "state": "running"}   (400 {"error"} for a bad body)
//   GET    /jobs/:id                                  → 200 {"id", "state", "result"?, "error"?}   (404 unknown id)
//   DELETE /jobs/:id                                  → 200 {"id", "state"}: cancels a running job, a no-op otherwise
//
// state is "running", "succeeded" (with result {"words", "lines"}), "failed" (with error: an empty text
// fails) or "cancelled".
//
//   node scripts/dev-job-api.mjs                     serve on JOB_API_PORT (default 8081) until Ctrl-C
//   node scripts/dev-job-api.mjs -- node dist/main.js
//        serve on a free loopback port, run the command with JOB_API_URL set to it, stop when it exits
//        (this is how `npm run dev` and `npm run conformance` start the agent)
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { realpathSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

/**
 * Starts the job API on `host:port` (port 0: a free one).
 * @param {{ port?: number, host?: string }} [options]
 */
export async function startJobApi({ port = 0, host = "127.0.0.1" } = {}) {
  /** @type {Map<string, { id: string, text: string, doneAt: number, cancelled: boolean }>} */
  const jobs = new Map();

  const view = (job) => {
    if (job.cancelled) return { id: job.id, state: "cancelled" };
    if (Date.now() < job.doneAt) return { id: job.id, state: "running" };
    if (job.text.trim() === "") return { id: job.id, state: "failed", error: "the text is empty: there is nothing to count" };
    return { id: job.id, state: "succeeded", result: { words: job.text.split(/\s+/).filter(Boolean).length, lines: job.text.split("\n").length } };
  };

  const server = createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://job-api").pathname;
      if (path === "/jobs" && req.method === "POST") {
        let body;
        try {
          body = JSON.parse(raw);
        } catch {
          return send(400, { error: "the body is not JSON" });
        }
        if (typeof body?.text !== "string") return send(400, { error: "text must be a string" });
        const seconds = body.seconds ?? 0;
        if (typeof seconds !== "number" || !(seconds >= 0)) return send(400, { error: "seconds must be a number ≥ 0" });
        const job = { id: randomUUID(), text: body.text, doneAt: Date.now() + seconds * 1000, cancelled: false };
        jobs.set(job.id, job);
        return send(201, view(job));
      }
      const match = /^\/jobs\/([^/]+)$/.exec(path);
      const job = match ? jobs.get(decodeURIComponent(match[1])) : undefined;
      if (match && !job) return send(404, { error: `no job ${match[1]}` });
      if (job && req.method === "GET") return send(200, view(job));
      if (job && req.method === "DELETE") {
        if (view(job).state === "running") job.cancelled = true;
        return send(200, view(job));
      }
      return send(404, { error: `no route ${req.method} ${path}` });
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    jobs,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

// Run as a script (not imported by the tests). realpath: import.meta.url is the real path, argv[1] may go
// through a symlink (macOS's /tmp).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dash = process.argv.indexOf("--");
  const command = dash === -1 ? [] : process.argv.slice(dash + 1);
  if (command.length === 0) {
    const api = await startJobApi({ port: Number(process.env.JOB_API_PORT ?? 8081) });
    console.error(`dev job API listening on ${api.url} (set JOB_API_URL=${api.url} for the agent)`);
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => api.close().then(() => process.exit(0)));
  } else {
    const api = await startJobApi();
    console.error(`dev job API listening on ${api.url}; starting: ${command.join(" ")}`);
    // The agent gets its own process group, so a Ctrl-C or a group SIGTERM reaches it once, through here
    // (the agent drains on the first signal and exits at once on a second).
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", detached: true, env: { ...process.env, JOB_API_URL: api.url } });
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
    child.on("error", (err) => {
      console.error(`cannot start ${command[0]}: ${err.message}`);
      void api.close();
      process.exit(1);
    });
    child.on("exit", (code, signal) => {
      void api.close();
      process.exit(code ?? (signal ? 1 : 0));
    });
  }
}
