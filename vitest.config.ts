import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // Interop tests start Python servers and clients; give them room on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests bind loopback ports and spawn processes: run files in separate forks.
    pool: "forks",
  },
});
