// Baseline server on @grpc/grpc-js: the bench plugin's work (bare-routes.mjs: ExecuteTool `add`, Complete
// with DELTAS deltas, usage and finish) written as bare grpc-js handlers, callback and stream style,
// protobuf-es doing the serialisation, no SDK. What `serve` costs on top of grpc-js is the difference. On
// 127.0.0.1 and a free port; prints `{"port":N}` once listening; exits when stdin ends.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import grpc from "@grpc/grpc-js";
import { announcePort, exitWhenStdinEnds } from "../../../scripts/bench-kit/child.mjs";
import { FinishReason, LLMProvider, ToolProvider } from "./.bench-out/descriptors.mjs";
import { add } from "./bare-routes.mjs";
import { DELTAS, USAGE, deltaTexts } from "./workload.mjs";

const buffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function definitionOf(service) {
  const definition = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: method.methodKind === "server_streaming",
      requestSerialize: (m) => buffer(toBinary(method.input, m)),
      requestDeserialize: (b) => fromBinary(method.input, b),
      responseSerialize: (m) => buffer(toBinary(method.output, m)),
      responseDeserialize: (b) => fromBinary(method.output, b),
    };
  }
  return definition;
}
const outputOf = (service, localName) => service.methods.find((m) => m.localName === localName).output;
const toolResult = outputOf(ToolProvider, "executeTool");
const toolList = outputOf(ToolProvider, "listTools");
const llmEvent = outputOf(LLMProvider, "complete");

const texts = deltaTexts(DELTAS);
const server = new grpc.Server();
server.addService(definitionOf(ToolProvider), {
  listTools(_call, callback) {
    callback(null, create(toolList, { tools: [{ name: "add", description: "Adds two numbers", parametersJsonSchema: '{"type":"object"}' }] }));
  },
  executeTool(call, callback) {
    callback(null, create(toolResult, add(call.request)));
  },
});
server.addService(definitionOf(LLMProvider), {
  async complete(call) {
    // Written as an author of a bare server would: respect backpressure, then the usage and the finish.
    for (const content of texts) {
      if (!call.write(create(llmEvent, { event: { case: "delta", value: { content } } }))) await new Promise((r) => call.once("drain", r));
    }
    call.write(create(llmEvent, { event: { case: "usage", value: USAGE } }));
    call.write(create(llmEvent, { event: { case: "finish", value: { reason: FinishReason.STOP } } }));
    call.end();
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  announcePort(port);
});
exitWhenStdinEnds(() => new Promise((resolve) => server.tryShutdown(resolve)), 2000);
