// vitest's globalSetup (see the root vitest.config.ts): before any test file runs, make sure the interop
// peers are there, provisioning what is missing: the Python venv and the Go modules of the HCL checker.
//
// Why a globalSetup rather than a `pretest:unit` npm script: it runs once per vitest run whichever way vitest
// was started (`npm test`, `npm run test:unit`, `npx vitest run <file>`, watch mode, an editor's test runner),
// in the same process that then runs the tests, so a single interop file run by hand on a fresh clone works
// too. It does not run again per test file or per worker. When everything is in place it costs a hash check
// and one `go mod download` against the module cache.
//
// A missing Python or Go fails the run here, before any test, with what is missing and how to fix it. Only
// AGENTWIRE_SKIP_PYTHON=1 / AGENTWIRE_SKIP_GO=1 skip, and the skipped suites say so in their names.
import { provisionGo, provisionPython } from "./provision.js";

export default async function setup(): Promise<void> {
  // Both at once: each is mostly waiting on a download, and a machine missing both hears about both.
  const results = await Promise.allSettled([provisionPython(), provisionGo()]);
  const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
  if (failures.length > 0) {
    // Printed first as plain text, because vitest follows a failed globalSetup with a misleading "No test files
    // found"; thrown in full too, so the error block at the end of the output says the same.
    const message = failures.join("\n\n");
    process.stderr.write(`\n${message}\n\n`);
    throw new Error(message);
  }
}
