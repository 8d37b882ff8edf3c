import { defineConfig } from "tsup";

export default defineConfig({
  // cli: the bin `agentwire-host` (dist/cli.js, shebang kept).
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
