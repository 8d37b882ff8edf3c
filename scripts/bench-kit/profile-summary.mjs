// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file, top N, and the
// samples that are agentwire's. Used by the benches' profile passes, and on its own:
//
//   node scripts/bench-kit/profile-summary.mjs <file.cpuprofile> [topN] [--sdk=flyte,core] [--nearest] [--source-files]
//
//   --sdk=a,b        which packages/<name>/dist bundles count as the SDK (default: all of agentwire's)
//   --nearest        attribute a sample to the SDK only when the first library frame above the running
//                    function is agentwire's rather than connect's (for an SDK that wraps connect's whole
//                    handler, as servePlugin does); default: when an agentwire frame is anywhere on the stack
//   --source-files   name frames in the tsup bundles by their source file, from the `// src/<file>.ts`
//                    markers esbuild leaves in the bundle: `agentplatform/src/tools/tool-registry.ts (dist line 695)`
//
// Each bench passes the options of its own view: flyte and activeworkflow
// `{ sdkPackages: [<pkg>, "core"] }`, agentplatform `{ sdkPackages: ["agentplatform", "core"], attribution:
// "nearest", sourceFiles: true }`.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const ALL_PACKAGES = ["core", "flyte", "activeworkflow", "agentplatform"];

/** For a bundle in dist: the source file each line comes from (undefined when it cannot be read). */
function sourceFiles(sdkDist) {
  const starts = new Map();
  return (url, line) => {
    if (!sdkDist.test(url)) return undefined;
    let s = starts.get(url);
    if (s === undefined) {
      s = [];
      try {
        const lines = readFileSync(url.startsWith("file:") ? fileURLToPath(url) : url, "utf8").split("\n");
        const pkg = sdkDist.exec(url)[1];
        lines.forEach((text, i) => {
          const m = /^\/\/ (src\/\S+\.ts)$/.exec(text);
          if (m) s.push([i, `${pkg}/${m[1]}`]);
        });
      } catch {
        // unreadable: frames keep the bundle's name
      }
      starts.set(url, s);
    }
    let found;
    for (const [start, file] of s) {
      if (start > line) break;
      found = file;
    }
    return found;
  };
}

/**
 * Returns `{ totalMs, byFunction: [{ name, where, selfMs, pct }], byFile: [{ file, selfMs, pct }], sdk }`,
 * `sdk` being `{ totalMs, pct, byEntry, selfInside }` (plus `byInnermost` with `attribution: "nearest"`).
 */
export function summarise(path, topN = 25, { sdkPackages = ALL_PACKAGES, attribution = "outermost", sourceFiles: mapSources = false } = {}) {
  const sdkDist = new RegExp(`packages\\/(${sdkPackages.join("|")})\\/dist\\/`);
  const sourceFileAt = mapSources ? sourceFiles(sdkDist) : () => undefined;
  const shortUrl = (url, line) => {
    if (!url) return "(native)";
    const src = line === undefined ? undefined : sourceFileAt(url, line);
    if (src) return src;
    const nm = url.lastIndexOf("node_modules/");
    if (nm >= 0) return url.slice(nm + "node_modules/".length);
    const pk = url.indexOf("/packages/");
    if (pk >= 0) return url.slice(pk + 1);
    return url.replace(/^file:\/\//, "");
  };
  /** Where a frame is: `file:line`, or for a bundled SDK frame with source files `src/file.ts (dist line N)`. */
  const loc = (cf) => {
    const src = sourceFileAt(cf.url, cf.lineNumber);
    return src ? `${src} (dist line ${cf.lineNumber + 1})` : `${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
  };

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
    const cf = byId.get(id).callFrame;
    const name = cf.functionName || "(anonymous)";
    if (name === "(idle)") continue;
    total += us;
    const where = loc(cf);
    const key = `${name} @ ${where}`;
    fn.set(key, { name, where, selfUs: (fn.get(key)?.selfUs ?? 0) + us });
    const f = cf.url ? shortUrl(cf.url, cf.lineNumber) : name;
    file.set(f, (file.get(f) ?? 0) + us);
  }

  // Attribution to the SDK. "outermost": a sample counts when an agentwire frame is anywhere on its stack
  // (the SDK's own code plus everything it calls, e.g. pino, prom-client, protobuf), keyed by the outermost
  // agentwire frame. "nearest": an SDK that wraps connect's whole handler (servePlugin's CallTracker.wrap)
  // would claim all of connect that way, so a sample counts only when, walking up from the running
  // function, the first library frame met is agentwire's rather than connect's: the SDK's own code and
  // what it calls (pino, zod, node:internal/event_target, ...), not connect's machinery around it. Keyed by
  // that innermost agentwire frame (the SDK function responsible) and by the outermost agentwire frame
  // below connect (the entry point connect called).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isSdk = (node) => sdkDist.test(node.callFrame.url);
  const stopAt = attribution === "nearest" ? (node) => /@connectrpc\//.test(node.callFrame.url) : () => false;
  const frameKey = (cf) => `${cf.functionName || "(anonymous)"} @ ${loc(cf)}`;
  const sdkInner = new Map();
  const sdkEntry = new Map();
  const inside = new Map();
  let sdkTotal = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node.callFrame.functionName === "(idle)") continue;
    let inner;
    let outer;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (stopAt(n)) break;
      if (isSdk(n)) {
        inner ??= n;
        outer = n;
      }
    }
    if (!inner) continue;
    sdkTotal += us;
    const add = (map, key) => map.set(key, (map.get(key) ?? 0) + us);
    add(sdkInner, frameKey(inner.callFrame));
    add(sdkEntry, frameKey(outer.callFrame));
    add(inside, frameKey(node.callFrame));
  }
  const top = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([k, us]) => ({ frame: k, ms: us / 1000, pct: (100 * us) / total }));
  const sdk =
    attribution === "nearest"
      ? { totalMs: sdkTotal / 1000, pct: (100 * sdkTotal) / total, byEntry: top(sdkEntry), byInnermost: top(sdkInner), selfInside: top(inside) }
      : { totalMs: sdkTotal / 1000, pct: (100 * sdkTotal) / total, byEntry: top(sdkEntry), selfInside: top(inside) };
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

const row = (e, indent) => `${indent}${e.pct.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.frame}`;

export function printSummary(title, s) {
  console.log(`\n== ${title}: ${s.totalMs.toFixed(0)} ms of non-idle samples ==`);
  console.log("self time by file:");
  for (const e of s.byFile) console.log(`  ${e.pct.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(6)} ms  ${e.file}`);
  if (s.sdk.totalMs > 0 && s.sdk.byInnermost) {
    console.log(`the SDK's share (samples whose nearest library frame is agentwire's, not connect's): ${s.sdk.pct.toFixed(1)}%`);
    console.log("  by the entry point connect called (outermost agentwire frame):");
    for (const e of s.sdk.byEntry.slice(0, 10)) console.log(row(e, "    "));
    console.log("  by the SDK function responsible (innermost agentwire frame):");
    for (const e of s.sdk.byInnermost) console.log(row(e, "    "));
    console.log("  by the function running (self time):");
    for (const e of s.sdk.selfInside) console.log(row(e, "    "));
  } else if (s.sdk.totalMs > 0) {
    console.log(`samples with agentwire code on the stack (outermost agentwire frame): ${s.sdk.pct.toFixed(1)}%`);
    for (const e of s.sdk.byEntry) console.log(row(e, "  "));
    console.log("  self time of the functions running under agentwire frames:");
    for (const e of s.sdk.selfInside) console.log(row(e, "    "));
  }
  console.log("self time by function:");
  for (const e of s.byFunction) {
    console.log(`  ${e.pct.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(6)} ms  ${e.name}  (${e.where})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const flags = args.filter((a) => a.startsWith("--"));
  const [path, top] = args.filter((a) => !a.startsWith("--"));
  const unknown = flags.filter((f) => !/^--(sdk=[\w,-]+|nearest|source-files)$/.test(f));
  if (!path || unknown.length) {
    console.error("usage: node scripts/bench-kit/profile-summary.mjs <file.cpuprofile> [topN] [--sdk=flyte,core] [--nearest] [--source-files]");
    process.exit(2);
  }
  const sdk = flags.find((f) => f.startsWith("--sdk="))?.slice("--sdk=".length);
  const options = {
    ...(sdk ? { sdkPackages: sdk.split(",").filter(Boolean) } : {}),
    attribution: flags.includes("--nearest") ? "nearest" : "outermost",
    sourceFiles: flags.includes("--source-files"),
  };
  printSummary(path, summarise(path, Number(top ?? 25), options));
}
