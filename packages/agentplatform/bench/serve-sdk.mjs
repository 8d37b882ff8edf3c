// Server under test: serve() from @agentwire/agentplatform with the bench plugin, in remote mode on
// 127.0.0.1 and a free port, with its defaults otherwise: JSON logs on stderr at LOG_LEVEL (default info;
// the bench points stderr at a file), 4 MiB message limits, grpc.health.v1. Prints one line `{"port":N}` on
// stdout once listening; exits when stdin ends.
import { serve } from "@agentwire/agentplatform";
import { createBenchPlugin } from "./bench-plugin.mjs";
import { announcePort, exitWhenStdinEnds } from "../../../scripts/bench-kit/child.mjs";

const server = await serve({ plugin: createBenchPlugin(), mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false });
announcePort(server.port);
exitWhenStdinEnds(() => server.close(), 2000);
