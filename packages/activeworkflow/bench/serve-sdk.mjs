// Server under test: `serve` from @agentwire/activeworkflow hosting SampleAgent at "/" (where the Python
// sample answers), on 127.0.0.1 and a free port. Prints one line `{"port":N}` on stdout once listening;
// exits when stdin ends. Logs go where serve's default logger sends them (JSON lines on stderr, level from
// LOG_LEVEL, default info: refusals and errors; the per-call lines are debug), as a deployed agent logs; the
// bench points stderr at a file.
import { serve } from "@agentwire/activeworkflow";
import { SampleAgent } from "./sample-agent.mjs";
import { announcePort, exitWhenStdinEnds } from "../../../scripts/bench-kit/child.mjs";

const server = await serve({ agents: { "/": new SampleAgent() }, port: 0, host: "127.0.0.1", handleSignals: false, printTo: false });
announcePort(server.port);
exitWhenStdinEnds(() => server.close(), 2000);
