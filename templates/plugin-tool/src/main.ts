// The entry point: serves the plugin.
// Remote (the default): gRPC on PORT, 9010 without it, all interfaces. Local: when a host starts it with
// AGENTPLATFORM_PLUGIN=local (then stdout carries only the handshake line; log with the logger).
// JSON logs go to stderr (LOG_LEVEL sets the level); SIGTERM drains in-flight calls and exits.
import { serve } from "@agentwire/agentplatform";
import { createNotesPlugin } from "./notes-plugin.js";

await serve({ plugin: createNotesPlugin() });
