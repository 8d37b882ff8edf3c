// Baseline server on @grpc/grpc-js: the bench agent's work written as bare grpc-js handlers (callback style,
// protobuf-es doing the serialisation), the same logic as bare-routes.mjs, no SDK. What `serve` costs on top
// of grpc-js is the difference. On 127.0.0.1 and a free port; prints `{"port":N}` once listening; exits
// when stdin ends.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import grpc from "@grpc/grpc-js";
import { exitWhenStdinEnds, announcePort } from "../../../scripts/bench-kit/child.mjs";
import { AsyncAgentService, State, TaskExecution_Phase } from "./.bench-out/descriptors.mjs";

const TASK_TYPE = "bench_task";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const buffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const definition = {};
for (const method of AsyncAgentService.methods) {
  definition[method.localName] = {
    path: `/${AsyncAgentService.typeName}/${method.name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => buffer(toBinary(method.input, m)),
    requestDeserialize: (b) => fromBinary(method.input, b),
    responseSerialize: (m) => buffer(toBinary(method.output, m)),
    responseDeserialize: (b) => fromBinary(method.output, b),
  };
}
const byName = Object.fromEntries(AsyncAgentService.methods.map((m) => [m.localName, m]));
const output = {
  literals: { n: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 1n } } } } } } },
};
let next = 0;
const server = new grpc.Server();
server.addService(definition, {
  createTask(call, callback) {
    const req = call.request;
    if (req.template?.type !== TASK_TYPE) return callback({ code: grpc.status.NOT_FOUND, details: `no agent for ${req.template?.type}` });
    const lit = req.inputs?.literals.n?.value;
    const prim = lit?.case === "scalar" && lit.value.value.case === "primitive" ? lit.value.value.value.value : undefined;
    if (prim?.case !== "integer") return callback({ code: grpc.status.INVALID_ARGUMENT, details: "input n must be an integer" });
    const meta = { jobId: `job-${Number(prim.value)}-${++next}` };
    callback(null, create(byName.createTask.output, { resourceMeta: encoder.encode(JSON.stringify(meta)) }));
  },
  getTask(call, callback) {
    const req = call.request;
    const name = req.taskCategory?.name || req.taskType;
    if (name !== TASK_TYPE) return callback({ code: grpc.status.NOT_FOUND, details: `no agent for ${name}` });
    const meta = JSON.parse(decoder.decode(req.resourceMeta));
    if (typeof meta?.jobId !== "string") return callback({ code: grpc.status.INVALID_ARGUMENT, details: "bad resource_meta" });
    callback(null, create(byName.getTask.output, { resource: { state: State.SUCCEEDED, phase: TaskExecution_Phase.SUCCEEDED, outputs: output } }));
  },
  deleteTask(_call, callback) {
    callback(null, create(byName.deleteTask.output, {}));
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  announcePort(port);
});
exitWhenStdinEnds(() => new Promise((resolve) => server.tryShutdown(resolve)), 2000);
