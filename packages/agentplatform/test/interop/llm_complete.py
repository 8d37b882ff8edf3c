"""Streams LLMProvider/Complete calls the way a Python platform would: the official grpcio stack, with stubs
that grpc_tools.protoc generated from packages/agentplatform/proto (the test generates them into a temp dir).

Usage: llm_complete.py <stubs-dir> <host:port> <spec-json>

spec: {
  "register": {"config": {...}, "env_vars": {...}} or null,
  "calls": [{"request": <CompleteRequest as proto JSON>, "cancel_after": <events> or null, "timeout": <s>}]
}
Prints one JSON object: {"register": {...} or null, "calls": [{"events": [...], "error": {...} or null}]}.
Each event is {"<oneof case>": <fields as MessageToDict gives them, proto names, defaults left out>}.
"""
import json
import sys

stubs, address, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, stubs)

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

from agentplatform.v1 import llm_pb2, llm_pb2_grpc, plugin_pb2, plugin_pb2_grpc  # noqa: E402


def event_json(event):
    kind = event.WhichOneof("event")
    if kind is None:
        return {"empty": None}
    return {kind: json_format.MessageToDict(getattr(event, kind), preserving_proto_field_name=True)}


out = {"register": None, "calls": []}
with grpc.insecure_channel(address) as channel:
    grpc.channel_ready_future(channel).result(timeout=10)
    if spec.get("register") is not None:
        res = plugin_pb2_grpc.PluginStub(channel).Register(plugin_pb2.RegisterRequest(**spec["register"]), timeout=10)
        out["register"] = {"name": res.name, "capabilities": [plugin_pb2.Capability.Name(c) for c in res.capabilities]}

    llm = llm_pb2_grpc.LLMProviderStub(channel)
    for call in spec["calls"]:
        request = json_format.ParseDict(call["request"], llm_pb2.CompleteRequest())
        events, error = [], None
        stream = llm.Complete(request, timeout=call.get("timeout", 20))
        try:
            for event in stream:
                events.append(event_json(event))
                if call.get("cancel_after") is not None and len(events) >= call["cancel_after"]:
                    stream.cancel()
        except grpc.RpcError as err:
            error = {"code": err.code().name, "details": err.details()}
        out["calls"].append({"events": events, "error": error})

print(json.dumps(out))
