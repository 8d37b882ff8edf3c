import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // Once per run, before any test: provisions the interop peers (the Python venv, the Go modules) when they
    // are missing, saying so on stderr. A globalSetup rather than a `pretest:unit` script so that every way of
    // starting vitest (`npm test`, `npx vitest run <file>`, watch mode) gets it; see the file for more.
    globalSetup: ["packages/test-support/src/global-setup.ts"],
    // Interop tests start Python servers and clients; give them room on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests bind loopback ports and spawn processes: run files in separate forks.
    pool: "forks",
  },
});
