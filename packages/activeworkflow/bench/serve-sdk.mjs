// Server under test: `serve` from @agentwire/activeworkflow hosting SampleAgent at "/" (where the Python
// sample answers), on 127.0.0.1 and a free port. Prints one line `{"port":N}` on stdout once listening;
// exits when stdin ends. Logs go where serve's default logger sends them (JSON lines on stderr, level from
// LOG_LEVEL, default info: refusals and errors; the per-call lines are debug), as a deployed agent logs; the
// bench points stderr at a file.
import { serve } from "@agentwire/activeworkflow";
import { SampleAgent } from "./sample-agent.mjs";

const server = await serve({ agents: { "/": new SampleAgent() }, port: 0, host: "127.0.0.1", handleSignals: false, printTo: false });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

process.stdin.resume();
process.stdin.on("end", () => {
  setTimeout(() => process.exit(0), 2000).unref();
  server.close().then(() => process.exit(0));
});
