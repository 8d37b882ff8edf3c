"""Calls a served plugin the way a Python platform would: the official grpcio stack, with stubs that
grpc_tools.protoc generated from packages/agentplatform/proto (the test generates them into a temp dir).

Usage: plugin_client.py <stubs-dir> <host:port> <config-json>
Prints one JSON object with everything it saw.
"""
import json
import sys

stubs, address, config = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, stubs)

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

from agentplatform.v1 import plugin_pb2, plugin_pb2_grpc, tool_pb2, tool_pb2_grpc  # noqa: E402

out = {
    # Upstream's Python examples use the enums at module level: plugin_pb2.TOOL_PROVIDER, plugin_pb2.SERVING.
    "enums": {"TOOL_PROVIDER": plugin_pb2.TOOL_PROVIDER, "SERVING": plugin_pb2.SERVING, "NOT_SERVING": plugin_pb2.NOT_SERVING},
}
with grpc.insecure_channel(address) as channel:
    grpc.channel_ready_future(channel).result(timeout=10)
    plugin = plugin_pb2_grpc.PluginStub(channel)

    res = plugin.Register(plugin_pb2.RegisterRequest(config=config, env_vars={"PLATFORM_HOST_ADDR": "127.0.0.1:7000"}), timeout=10)
    out["register"] = {
        "name": res.name,
        "capabilities": [plugin_pb2.Capability.Name(c) for c in res.capabilities],
        "metadata": dict(res.metadata),
    }
    try:
        plugin.Register(plugin_pb2.RegisterRequest(config={"units": "kelvin", "verbose": "yes"}), timeout=10)
        out["refusal"] = None
    except grpc.RpcError as err:
        out["refusal"] = {"code": err.code().name, "details": err.details()}

    out["health"] = plugin_pb2.Status.Name(plugin.Health(plugin_pb2.HealthRequest(), timeout=10).status)
    out["manifest_hcl"] = plugin.GetManifest(plugin_pb2.GetManifestRequest(), timeout=10).manifest_hcl

    health = health_pb2_grpc.HealthStub(channel)
    out["grpc_health"] = {
        service: health_pb2.HealthCheckResponse.ServingStatus.Name(
            health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status
        )
        for service in ["", "plugin", "agentplatform.v1.Plugin", "agentplatform.v1.ToolProvider"]
    }

    tools = tool_pb2_grpc.ToolProviderStub(channel).ListTools(tool_pb2.ListToolsRequest(), timeout=10)
    out["tools"] = [{"name": t.name, "description": t.description, "parameters_json_schema": t.parameters_json_schema} for t in tools.tools]

print(json.dumps(out))
