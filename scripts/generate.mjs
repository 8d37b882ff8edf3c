#!/usr/bin/env node
// Regenerates the checked-in protobuf code of every package, or (with --check) regenerates it into a
// scratch directory and fails when that differs from what is checked in. The table below is the one place
// that says which .proto files each package generates from; buf.yaml at the root names the proto roots
// (all inside node_modules, so nothing asks the Buf registry).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Which package generates what: `out` is relative to the root, `paths` are the files buf is limited to. */
const targets = {
  // grpc.health.v1, served by every gRPC server of agentwire from @agentwire/core/grpc (generated once).
  core: {
    out: "packages/core/src/gen",
    paths: ["node_modules/grpc-health-check/proto/health/v1/health.proto"],
  },
  flyte: {
    out: "packages/flyte/src/gen",
    paths: ["node_modules/@flyteorg/flyteidl/protos/flyteidl/service/agent.proto"],
  },
  // Flyte 2's connector protocol, from the image scripts/flyteidl2-descriptors.py writes out of the pinned PyPI
  // flyteidl2 (no npm package has its .proto files): packages/flyte/proto2/flyteidl2.binpb.
  flyte2: {
    out: "packages/flyte/src/gen2",
    input: "packages/flyte/proto2/flyteidl2.binpb",
    paths: ["flyteidl2/connector/service.proto"],
  },
  agentplatform: {
    out: "packages/agentplatform/src/gen",
    paths: [
      "packages/agentplatform/proto/agentplatform/v1/plugin.proto",
      "packages/agentplatform/proto/agentplatform/v1/tool.proto",
      "packages/agentplatform/proto/agentplatform/v1/llm.proto",
      "packages/agentplatform/proto/agentplatform/v1/view.proto",
      "packages/agentplatform/proto/agentplatform/v1/lifecycle.proto",
      "packages/agentplatform/proto/agentplatform/v1/platform.proto",
    ],
  },
};

function generate(out, paths, input) {
  const template = JSON.stringify({
    version: "v2",
    clean: true,
    plugins: [
      {
        local: join(root, "node_modules/.bin/protoc-gen-es"),
        out,
        include_imports: true,
        opt: ["target=ts", "import_extension=js"],
      },
    ],
  });
  const args = ["generate", ...(input ? [join(root, input)] : []), "--template", template];
  for (const p of paths) args.push("--path", p);
  execFileSync(join(root, "node_modules/.bin/buf"), args, { cwd: root, stdio: "inherit" });
}

function listFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(relative(dir, p));
    }
  };
  walk(dir);
  return files.sort();
}

const check = process.argv.includes("--check");
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const names = only.length > 0 ? only : Object.keys(targets);
let stale = 0;
for (const name of names) {
  const target = targets[name];
  if (!target) {
    console.error(`generate: unknown target "${name}"; known targets: ${Object.keys(targets).join(", ")}`);
    process.exit(2);
  }
  if (!check) {
    generate(target.out, target.paths, target.input);
    console.error(`generate: ${name} -> ${target.out}`);
    continue;
  }
  const scratch = mkdtempSync(join(tmpdir(), `agentwire-gen-${name}-`));
  try {
    generate(scratch, target.paths, target.input);
    const want = listFiles(scratch);
    const have = listFiles(join(root, target.out));
    const all = new Set([...want, ...have]);
    for (const file of [...all].sort()) {
      if (!want.includes(file)) {
        console.error(`stale: ${target.out}/${file} is checked in but no longer generated`);
        stale++;
      } else if (!have.includes(file)) {
        console.error(`stale: ${target.out}/${file} is generated but not checked in`);
        stale++;
      } else if (!readFileSync(join(scratch, file)).equals(readFileSync(join(root, target.out, file)))) {
        console.error(`stale: ${target.out}/${file} differs from a fresh generation`);
        stale++;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
if (check) {
  if (stale > 0) {
    console.error(`generated code is stale in ${stale} file(s): run \`npm run generate\` and commit the result`);
    process.exit(1);
  }
  console.error(`generated code is fresh (${names.join(", ")})`);
}
