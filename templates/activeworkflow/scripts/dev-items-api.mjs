#!/usr/bin/env node
// A small, real items API for local development, the tests and `npm run conformance`: a stand-in for the
// service your agent will talk to in production (a ticket tracker, a CMS, a feed). Items live in memory,
// numbered in the order they were created; every request needs `Authorization: Bearer <token>`.
//
//   GET  /items?since=N&limit=M   → 200 {"items": [{"id", "seq", "title", "body"}…], "cursor"}: the items after
//                                   seq N, oldest first, at most M; cursor is the last seq returned (N if none)
//   POST /items {"title", "body"?} → 201 {"id", "seq", "title", "body"}; 400 {"error"} for a bad body; a title
//                                   "fail" answers 500, to show how the agent reports an upstream failure
//   anything without the token    → 401 {"error"}
//
// It starts with two items, so a first check has something to emit.
//
//   node scripts/dev-items-api.mjs                     serve on ITEMS_API_PORT (default 4600) until Ctrl-C
//   node scripts/dev-items-api.mjs -- node dist/main.js
//        serve on a free loopback port, run the command with ITEMS_API_URL set to it, stop when it exits
//        (this is how `npm run dev` and `npm run conformance` start the agent)
//
// The token is DEV_ITEMS_API_TOKEN, "dev-token" by default: give it to the agent as the credential its
// token_credential option names (items_api_token by default).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { realpathSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

/**
 * Starts the items API on `host:port` (port 0: a free one).
 * @param {{ port?: number, host?: string, token?: string }} [options]
 */
export async function startItemsApi({ port = 0, host = "127.0.0.1", token = process.env.DEV_ITEMS_API_TOKEN ?? "dev-token" } = {}) {
  /** @type {Array<{ id: string, seq: number, title: string, body: string }>} */
  const items = [];
  const add = (title, body) => {
    const item = { id: randomUUID(), seq: items.length + 1, title, body };
    items.push(item);
    return item;
  };
  add("Welcome to the items API", "Created when the dev API started.");
  add("Second item", "");

  const server = createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: "missing or wrong bearer token" });
      const url = new URL(req.url ?? "/", "http://items-api");
      if (url.pathname === "/items" && req.method === "GET") {
        const since = Number(url.searchParams.get("since") ?? 0);
        const limit = Number(url.searchParams.get("limit") ?? 100);
        if (!Number.isInteger(since) || since < 0 || !Number.isInteger(limit) || limit < 1) {
          return send(400, { error: "since must be an integer ≥ 0 and limit an integer ≥ 1" });
        }
        const page = items.filter((item) => item.seq > since).slice(0, limit);
        return send(200, { items: page, cursor: page.at(-1)?.seq ?? since });
      }
      if (url.pathname === "/items" && req.method === "POST") {
        let body;
        try {
          body = JSON.parse(raw);
        } catch {
          return send(400, { error: "the body is not JSON" });
        }
        if (typeof body?.title !== "string" || body.title.trim() === "") return send(400, { error: "title must be a non-empty string" });
        if (body.title === "fail") return send(500, { error: 'the items API failed on purpose (title "fail")' });
        return send(201, add(body.title, typeof body.body === "string" ? body.body : ""));
      }
      return send(404, { error: `no route ${req.method} ${url.pathname}` });
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    token,
    items,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

// Run as a script (not imported by the tests). realpath: import.meta.url is the real path, argv[1] may go
// through a symlink (macOS's /tmp).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dash = process.argv.indexOf("--");
  const command = dash === -1 ? [] : process.argv.slice(dash + 1);
  if (command.length === 0) {
    const api = await startItemsApi({ port: Number(process.env.ITEMS_API_PORT ?? 4600) });
    console.error(`dev items API listening on ${api.url} (token ${JSON.stringify(api.token)}; set ITEMS_API_URL=${api.url} for the agent)`);
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => api.close().then(() => process.exit(0)));
  } else {
    const api = await startItemsApi();
    console.error(`dev items API listening on ${api.url} (token ${JSON.stringify(api.token)}); starting: ${command.join(" ")}`);
    // The agent gets its own process group, so a Ctrl-C or a group SIGTERM reaches it once, through here.
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", detached: true, env: { ...process.env, ITEMS_API_URL: api.url } });
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
