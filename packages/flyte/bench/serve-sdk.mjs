// Server under test: `serve` from @agentwire/flyte with the bench agent, on 127.0.0.1 and a free port.
// Prints one line `{"port":N}` on stdout once listening; exits when stdin ends. Logs go where serve's
// default logger sends them (JSON lines on stderr, level from LOG_LEVEL, default info), as a deployed
// agent would log; the bench points stderr at a file.
import { serve } from "@agentwire/flyte";
import { BenchAgent } from "./bench-agent.mjs";
import { announcePort, exitWhenStdinEnds } from "../../../scripts/bench-kit/child.mjs";

const server = await serve({ agents: [new BenchAgent()], port: 0, host: "127.0.0.1", handleSignals: false });
announcePort(server.port);
exitWhenStdinEnds(() => server.close(), 2000);
