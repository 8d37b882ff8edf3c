// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file, top N.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [topN]
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

function shortUrl(url) {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const pk = url.indexOf("/packages/");
  if (pk >= 0) return url.slice(pk + 1);
  return url.replace(/^file:\/\//, "");
}

/** Returns { totalMs, byFunction: [{ name, where, selfMs, pct }], byFile: [{ file, selfMs, pct }] }. */
export function summarise(path, topN = 25) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0; // delta i+1 is the time spent in sample i
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  let total = 0;
  const fn = new Map();
  const file = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const cf = node.callFrame;
    const name = cf.functionName || "(anonymous)";
    if (name === "(idle)") continue;
    total += us;
    const where = `${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    const key = `${name} @ ${where}`;
    fn.set(key, { name, where, selfUs: (fn.get(key)?.selfUs ?? 0) + us });
    const f = cf.url ? shortUrl(cf.url) : name;
    file.set(f, (file.get(f) ?? 0) + us);
  }
  // Attribution to the SDK: a sample counts for the outermost agentwire frame on its stack (the SDK's own
  // code plus everything it calls, e.g. pino).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isSdk = (node) => /packages\/(activeworkflow|core)\/dist\//.test(node.callFrame.url);
  const sdkEntry = new Map();
  let sdkTotal = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node.callFrame.functionName === "(idle)") continue;
    let outer;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (isSdk(n)) outer = n;
    }
    if (!outer) continue;
    sdkTotal += us;
    const key = `${outer.callFrame.functionName || "(anonymous)"} @ ${shortUrl(outer.callFrame.url)}:${outer.callFrame.lineNumber + 1}`;
    sdkEntry.set(key, (sdkEntry.get(key) ?? 0) + us);
  }
  // Below each SDK entry point: self time by function, to name what inside it costs.
  const inside = new Map();
  for (const [id, us] of selfUs) {
    let underSdk = false;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (isSdk(byId.get(cur))) underSdk = true;
    if (!underSdk) continue;
    const cf = byId.get(id).callFrame;
    const key = `${cf.functionName || "(anonymous)"} @ ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    inside.set(key, (inside.get(key) ?? 0) + us);
  }
  const sdk = {
    totalMs: sdkTotal / 1000,
    pct: (100 * sdkTotal) / total,
    byEntry: [...sdkEntry.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([k, us]) => ({ frame: k, ms: us / 1000, pct: (100 * us) / total })),
    selfInside: [...inside.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([k, us]) => ({ frame: k, ms: us / 1000, pct: (100 * us) / total })),
  };
  const byFunction = [...fn.values()]
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, topN)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.selfUs / 1000, pct: (100 * e.selfUs) / total }));
  const byFile = [...file.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([f, us]) => ({ file: f, selfMs: us / 1000, pct: (100 * us) / total }));
  return { totalMs: total / 1000, byFunction, byFile, sdk };
}

export function printSummary(title, s) {
  console.log(`\n== ${title}: ${s.totalMs.toFixed(0)} ms of non-idle samples ==`);
  console.log("self time by file:");
  for (const e of s.byFile) console.log(`  ${e.pct.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(6)} ms  ${e.file}`);
  if (s.sdk.totalMs > 0) {
    console.log(`samples with agentwire code on the stack (outermost agentwire frame): ${s.sdk.pct.toFixed(1)}%`);
    for (const e of s.sdk.byEntry) console.log(`  ${e.pct.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.frame}`);
    console.log("  self time of the functions running under agentwire frames:");
    for (const e of s.sdk.selfInside) console.log(`    ${e.pct.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.frame}`);
  }
  console.log("self time by function:");
  for (const e of s.byFunction) {
    console.log(`  ${e.pct.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(6)} ms  ${e.name}  (${e.where})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [path, top] = process.argv.slice(2);
  if (!path) {
    console.error("usage: node bench/profile-summary.mjs <file.cpuprofile> [topN]");
    process.exit(2);
  }
  printSummary(path, summarise(path, Number(top ?? 25)));
}
