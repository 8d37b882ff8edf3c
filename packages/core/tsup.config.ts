import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", grpc: "src/grpc/index.ts", "config-file": "src/config-file/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Both entry points share the error classes; splitting keeps one copy of each in the ESM build.
  splitting: true,
});
