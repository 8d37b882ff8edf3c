// Reference point, not a contender (opt-in: BENCH_SERVERS=...,raw): gRPC unary calls answered straight on
// node:http2 with protobuf-es, without connect: what the bare routes' work costs with the least framework
// around it. It handles only what the bench sends (identity encoding, one message per call) and is NOT a
// conforming gRPC server. Prints `{"port":N}` on stdout once listening; exits when stdin ends.
import { createServer } from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CreateTaskRequestSchema,
  CreateTaskResponseSchema,
  GetTaskRequestSchema,
  GetTaskResponseSchema,
  State,
  TaskExecution_Phase,
} from "./.bench-out/descriptors.mjs";
import { closeServer, exitWhenStdinEnds, listenAndAnnounce } from "../../../scripts/bench-kit/child.mjs";

const TASK_TYPE = "bench_task";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let next = 0;

function createTask(req) {
  if (req.template?.type !== TASK_TYPE) return [5, `no agent for ${req.template?.type}`];
  const lit = req.inputs?.literals.n?.value;
  const prim = lit?.case === "scalar" && lit.value.value.case === "primitive" ? lit.value.value.value.value : undefined;
  if (prim?.case !== "integer") return [3, "input n must be an integer"];
  const meta = { jobId: `job-${Number(prim.value)}-${++next}` };
  return [0, create(CreateTaskResponseSchema, { resourceMeta: encoder.encode(JSON.stringify(meta)) })];
}

function getTask(req) {
  const name = req.taskCategory?.name || req.taskType;
  if (name !== TASK_TYPE) return [5, `no agent for ${name}`];
  const meta = JSON.parse(decoder.decode(req.resourceMeta));
  if (typeof meta?.jobId !== "string") return [3, "bad resource_meta"];
  return [
    0,
    create(GetTaskResponseSchema, {
      resource: {
        state: State.SUCCEEDED,
        phase: TaskExecution_Phase.SUCCEEDED,
        outputs: {
          literals: {
            n: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 1n } } } } } },
          },
        },
      },
    }),
  ];
}

const methods = {
  "/flyteidl.service.AsyncAgentService/CreateTask": [CreateTaskRequestSchema, CreateTaskResponseSchema, createTask],
  "/flyteidl.service.AsyncAgentService/GetTask": [GetTaskRequestSchema, GetTaskResponseSchema, getTask],
};

const server = createServer();
server.on("stream", (stream, headers) => {
  const method = methods[headers[":path"]];
  const chunks = [];
  stream.on("data", (c) => chunks.push(c));
  stream.on("end", () => {
    let status = 12;
    let message = "unimplemented";
    let body;
    if (method) {
      try {
        const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        const req = fromBinary(method[0], buf.subarray(5, 5 + buf.readUInt32BE(1)));
        const [code, res] = method[2](req);
        status = code;
        if (code === 0) {
          const bytes = toBinary(method[1], res);
          body = Buffer.allocUnsafe(5 + bytes.byteLength);
          body[0] = 0;
          body.writeUInt32BE(bytes.byteLength, 1);
          body.set(bytes, 5);
        } else message = res;
      } catch (err) {
        status = 13;
        message = String(err);
      }
    }
    stream.respond({ ":status": 200, "content-type": "application/grpc+proto" }, { waitForTrailers: true });
    stream.once("wantTrailers", () =>
      stream.sendTrailers(status === 0 ? { "grpc-status": "0" } : { "grpc-status": String(status), "grpc-message": encodeURIComponent(message) }),
    );
    stream.end(body);
  });
});
listenAndAnnounce(server);
exitWhenStdinEnds(closeServer(server), 200);
