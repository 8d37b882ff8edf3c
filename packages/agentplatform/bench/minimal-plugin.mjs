// The smallest local plugin the SDK makes: a Plugin with no config and no providers, served with
// serve(). Started with AGENTPLATFORM_PLUGIN=local, it binds 127.0.0.1 on a free port and writes the
// handshake line to stdout; it exits on SIGTERM.
import { Plugin, serve } from "@agentwire/agentplatform";

await serve({ plugin: new Plugin({ name: "minimal", version: "0.1.0", manifest: { description: "Does nothing", author: "agentwire bench" } }) });
