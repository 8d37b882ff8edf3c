#!/usr/bin/env node
// The ActiveWorkflow demo: serves the example agents (DigestAgent, HttpStatusAgent) on a loopback port and
// drives them with the ActiveWorkflow-like driver over real HTTP, printing every call and what ActiveWorkflow
// would apply (messages emitted, memory, log and error lines, warnings). Exits non-zero if any call ends
// differently from what it should. Needs `npm run build` first.
import { createServer } from "node:http";
import { createLogger, LosslessNumber, serve, stringifyJson } from "@agentwire/activeworkflow";
import { createActiveWorkflowDriver, createWorkflowRunner } from "@agentwire/activeworkflow/testing";
import { DigestAgent, HttpStatusAgent } from "@agentwire/example-activeworkflow-agents";

const log = (line = "") => process.stdout.write(`${line}\n`);
// Numbers are printed as they travel: exactly (a bigint or a LosslessNumber as its digits).
const json = (value) => stringifyJson(value);

// A real HTTP endpoint for HttpStatusAgent: `/flip` answers `flipStatus`, and every Authorization is kept.
let flipStatus = 200;
const authorizations = [];
const site = createServer((req, res) => {
  authorizations.push(req.headers.authorization);
  res.writeHead(req.url === "/flip" ? flipStatus : 404, { "content-type": "text/plain" });
  res.end("hello\n");
});
await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
const siteUrl = `http://127.0.0.1:${site.address().port}/flip`;

// A loopback port with nothing listening: bound, then released.
const closed = createServer();
await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
const closedPort = closed.address().port;
await new Promise((resolve) => closed.close(resolve));

const server = await serve({
  agents: { "/digest": new DigestAgent(), "/http-status": new HttpStatusAgent() },
  // PORT when set (read by serve, decimal only), else a free port.
  ...(process.env.PORT ? {} : { port: 0 }),
  host: "127.0.0.1",
  handleSignals: false,
  printTo: false,
  // The refusals below are expected: keep the server's warnings about them out of the demo's output.
  logger: createLogger({ level: process.env.LOG_LEVEL ?? "error" }),
});
log(`agent server listening on ${server.url}; give ActiveWorkflow:`);
for (const agent of server.agents) log(`  ${agent.envVar}=${agent.url}`);

const urlOf = (name) => server.agents.find((a) => a.name === name).url;
const digest = createActiveWorkflowDriver({ url: urlOf("DigestAgent") });
const httpStatus = createActiveWorkflowDriver({ url: urlOf("HttpStatusAgent") });

let calls = 0;
const wrong = [];
function expectThat(ok, what) {
  if (!ok) {
    wrong.push(what);
    log(`      UNEXPECTED: ${what}`);
  }
}

/** Prints one call and what ActiveWorkflow applied; `expected` checks it. */
function show(title, outcome, expected) {
  calls++;
  log(`  ${title}`);
  if (outcome.messages.length > 0) for (const m of outcome.messages) log(`      emitted  ${json(m)}`);
  else log("      emitted  nothing");
  log(`      memory   ${json(outcome.memory)}${outcome.memoryReplaced ? "" : " (unchanged)"}`);
  for (const line of outcome.logs) log(`      log      ${line}`);
  for (const line of outcome.errors) log(`      error    ${line}`);
  for (const w of outcome.warnings) log(`      WARNING  [${w.code}] ${w.message}: ${w.aw}`);
  expectThat(outcome.warnings.length === 0, `${title}: no warnings (got ${outcome.warnings.map((w) => w.code).join(", ")})`);
  expected(outcome);
}

const same = (a, b) => json(a) === json(b);
/** Reports without their timing, for comparison; a report whose elapsed_ms is not a number keeps it (and differs). */
const withoutElapsed = (messages) => messages.map(({ elapsed_ms, ...rest }) => (typeof elapsed_ms === "number" ? rest : { elapsed_ms, ...rest }));

log("\nregister (ActiveWorkflow calls it once per booting process, ~5 times per container start)");
for (const [driver, name] of [
  [digest, "DigestAgent"],
  [httpStatus, "HttpStatusAgent"],
]) {
  const registered = await driver.register({ times: 5 });
  log(`  ${name}: ${json(registered.registration?.default_options)} default options, ${registered.warnings.length} warnings`);
  expectThat(registered.registration?.name === name && registered.warnings.length === 0, `${name} registers cleanly`);
}

log("\nDigestAgent, max_items 3: three messages arrive");
const daily = await digest.createInstance({ name: "daily digest", options: { max_items: 3 } });
for (const [i, title] of ["<b>Release 1.0</b>", "Tom & Jerry", "third"].entries()) {
  show(`receive ${json({ title })}`, await digest.receive(daily, { title }), (o) =>
    expectThat(
      i < 2 ? o.messages.length === 0 : same(o.messages, [{ count: 3, items: [{ title: "<b>Release 1.0</b>" }, { title: "Tom & Jerry" }, { title: "third" }] }]),
      i < 2 ? "queued, nothing emitted" : "the third message emits the digest",
    ),
  );
}

log("\nDigestAgent on schedule (check): a partial queue, then an empty one");
show("receive {\"title\":\"lonely\"}", await digest.receive(daily, { title: "lonely" }), (o) => expectThat(o.messages.length === 0, "queued"));
show("check", await digest.check(daily), (o) => expectThat(same(o.messages, [{ count: 1, items: [{ title: "lonely" }] }]), "check emits the partial queue"));
show("check", await digest.check(daily), (o) => expectThat(o.messages.length === 0 && !o.memoryReplaced, "an empty queue emits nothing"));

log("\nDigestAgent keeps numbers exactly as ActiveWorkflow sent them (its Ruby keeps integers past 2^53, and 1.0 as 1.0)");
const exactDigest = await digest.createInstance({ name: "exact digest", options: { max_items: 1 } });
const exactPayload = { id: 12345678901234567891n, max_u64: 18446744073709551615n, neg: -9007199254740993n, ratio: new LosslessNumber("1.0") };
show(`receive ${json(exactPayload)}`, await digest.receive(exactDigest, exactPayload), (o) =>
  expectThat(
    o.body.includes('{"id":12345678901234567891,"max_u64":18446744073709551615,"neg":-9007199254740993,"ratio":1.0}') && same(o.messages, [{ count: 1, items: [exactPayload] }]),
    "the digest carries every number exactly as received",
  ),
);

log("\nDigestAgent with a bad option");
const broken = await digest.createInstance({ name: "broken digest", options: { max_items: 0 } });
show("receive {\"title\":\"x\"} with max_items 0", await digest.receive(broken, { title: "x" }), (o) =>
  expectThat(o.errors.length === 1 && o.errors[0].includes("max_items") && o.messages.length === 0, "an error naming max_items"),
);

log(`\nHttpStatusAgent, changes_only, bearer credential "site_token" (the site answers 200, 200, then 503)`);
const monitor = await httpStatus.createInstance({
  name: "site monitor",
  options: { url: siteUrl, changes_only: true, auth_credential: "site_token" },
  credentials: [
    { name: "smtp_password", value: "unrelated" },
    { name: "site_token", value: "s3cr3t" },
  ],
});
for (const [status, expected] of [
  [200, [{ url: siteUrl, status: 200 }]],
  [200, []],
  [503, [{ url: siteUrl, status: 503 }]],
]) {
  flipStatus = status;
  show(`check (site answers ${status})`, await httpStatus.check(monitor), (o) =>
    expectThat(
      same(withoutElapsed(o.messages), expected) && o.memory.last_status === status,
      expected.length === 0 ? "an unchanged status is not emitted" : `status ${status} emitted`,
    ),
  );
}
log(`  the site saw: ${[...new Set(authorizations)].join(", ")}`);
expectThat(authorizations.length === 3 && authorizations.every((a) => a === "Bearer s3cr3t"), "the site saw the bearer credential");

log("\nHttpStatusAgent, failures reported as errors (nothing emitted, no crash)");
const down = await httpStatus.createInstance({ name: "down", options: { url: `http://127.0.0.1:${closedPort}/` } });
show("check a URL nothing listens on", await httpStatus.check(down), (o) =>
  expectThat(o.errors.length === 1 && o.errors[0].includes("ECONNREFUSED") && o.messages.length === 0, "an ECONNREFUSED error"),
);
const noCredential = await httpStatus.createInstance({ name: "no credential", options: { url: siteUrl, auth_credential: "missing_token" } });
show("check with auth_credential naming a credential the user lacks", await httpStatus.check(noCredential), (o) =>
  expectThat(o.errors.length === 1 && o.errors[0].includes('"missing_token"'), "an error naming the credential"),
);
const invalid = await httpStatus.createInstance({ name: "invalid", options: { url: "not a url" } });
show("check url \"not a url\"", await httpStatus.check(invalid), (o) => expectThat(o.errors.length === 1 && o.messages.length === 0, "an invalid-URL error"));

log("\nA workflow: HttpStatusAgent → DigestAgent (max_items 3), the monitor checked 3 times");
flipStatus = 200;
const workflow = createWorkflowRunner();
const wfMonitor = await workflow.add(httpStatus, { name: "monitor", options: { url: siteUrl } });
const wfDigest = await workflow.add(digest, { name: "digest", options: { max_items: 3 } });
workflow.link(wfMonitor, wfDigest);
for (let i = 1; i <= 3; i++) {
  const run = await workflow.check(wfMonitor);
  log(`  run ${i}:`);
  for (const step of run.steps) {
    calls++;
    const emitted = step.outcome.messages.map((m) => json(m)).join(" ") || "nothing";
    log(`      ${step.method.padEnd(7)} ${step.agent.name.padEnd(7)} emitted ${emitted}`);
    for (const w of step.outcome.warnings) log(`      WARNING  [${w.code}] ${w.message}`);
  }
  const digests = run.messages.filter((m) => m.agent_id === wfDigest.id);
  expectThat(run.warnings.length === 0, `workflow run ${i}: no warnings`);
  expectThat(i < 3 ? digests.length === 0 : digests.length === 1 && digests[0].payload.count === 3, `workflow run ${i}: ${i < 3 ? "no digest yet" : "one digest of 3 reports"}`);
}
log(`  digest memory now: ${json(wfDigest.memory)}`);

await server.close();
site.close();
log(`\n${calls} calls; ${wrong.length === 0 ? "everything ended as expected" : `${wrong.length} unexpected: ${wrong.join("; ")}`}`);
process.exitCode = wrong.length === 0 ? 0 : 1;
