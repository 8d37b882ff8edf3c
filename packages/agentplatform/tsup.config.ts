import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", testing: "src/testing/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Both entry points share the plugin code; splitting keeps one copy of each class in the ESM build
  // so `instanceof` between `.` and `./testing` holds.
  splitting: true,
  // import.meta.url in the CommonJS build too (json-schema.ts loads ajv with createRequire on first use).
  shims: true,
});
