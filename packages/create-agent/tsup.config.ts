import { defineConfig } from "tsup";

export default defineConfig({
  // cli: the bin `create-agent` (dist/cli.js, shebang kept); index: scaffold() and the template list as a library.
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
