import { defineConfig } from "tsup";

export default defineConfig({
  entry: { main: "src/main.ts", guard: "src/index.ts" },
  format: ["esm"],
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20",
});
