"""Calls a served ToolProvider the way a Python platform would: grpcio, with stubs that grpc_tools.protoc
generated from packages/agentplatform/proto (the test generates them into a temp dir).

Usage: tools_client.py <stubs-dir> <host:port> <script-json>
The script is {"config": {...}, "calls": [{"name": ..., "arguments_json": ...}, ...]}: Register with the
config, ListTools, then each ExecuteTool in turn. Prints one JSON object with everything it saw; a call
refused with a gRPC status is reported as {"code": "NOT_FOUND", "details": ...}.
"""
import json
import sys

stubs, address, script = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, stubs)

import grpc  # noqa: E402

from agentplatform.v1 import plugin_pb2, plugin_pb2_grpc, tool_pb2, tool_pb2_grpc  # noqa: E402

out = {}
with grpc.insecure_channel(address) as channel:
    grpc.channel_ready_future(channel).result(timeout=10)
    registered = plugin_pb2_grpc.PluginStub(channel).Register(plugin_pb2.RegisterRequest(config=script.get("config", {})), timeout=10)
    out["capabilities"] = [plugin_pb2.Capability.Name(c) for c in registered.capabilities]

    tools = tool_pb2_grpc.ToolProviderStub(channel)
    listed = tools.ListTools(tool_pb2.ListToolsRequest(), timeout=10)
    # The schema is JSON text; parse it here, as a Python platform handing it to an LLM API would.
    out["tools"] = [
        {"name": t.name, "description": t.description, "parameters": json.loads(t.parameters_json_schema)} for t in listed.tools
    ]

    out["calls"] = []
    for call in script.get("calls", []):
        try:
            res = tools.ExecuteTool(tool_pb2.ExecuteToolRequest(name=call["name"], arguments_json=call.get("arguments_json", "")), timeout=10)
            out["calls"].append({"is_error": res.is_error, "result": json.loads(res.result_json)})
        except grpc.RpcError as err:
            out["calls"].append({"code": err.code().name, "details": err.details()})

print(json.dumps(out))
