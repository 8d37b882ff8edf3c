// Baseline server: http2.createServer(connectNodeAdapter({ routes })) with the hand-written routes of
// bare-routes.mjs, on 127.0.0.1 and a free port. Prints `{"port":N}` on stdout once listening; exits when
// stdin ends.
import { createServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { bareRoutes } from "./bare-routes.mjs";
import { closeServer, exitWhenStdinEnds, listenAndAnnounce } from "../../../scripts/bench-kit/child.mjs";

const server = createServer(connectNodeAdapter({ routes: bareRoutes }));
listenAndAnnounce(server);
exitWhenStdinEnds(closeServer(server), 200);
