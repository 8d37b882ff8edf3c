// The bare servers and the load generators need generated descriptors that the packages do not export,
// without loading the SDK. bundleDescriptors bundles them from the package's src/gen with esbuild (tsup's
// dependency) into .bench-out/descriptors.mjs, dependencies left external so the @bufbuild/protobuf that
// dist uses is shared.
import { join } from "node:path";

/** `entry`: TypeScript re-exports, with paths relative to `benchDir` (e.g. "../src/gen/…_pb.js"). */
export async function bundleDescriptors({ entry, benchDir, outDir }) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    stdin: { contents: entry, resolveDir: benchDir, loader: "ts", sourcefile: "descriptors.ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    outfile: join(outDir, "descriptors.mjs"),
    logLevel: "warning",
  });
}
