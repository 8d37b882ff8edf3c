"""Sends LifecycleHook.OnEvent calls the way a Python platform would: the official grpcio stack, with stubs that
grpc_tools.protoc generated from packages/agentplatform/proto (the calling test generates them into a temp dir).

Usage: lifecycle_client.py <stubs-dir> <host:port> <events-json> [<register-config-json>]
  events-json: [{"type": "TOOL_CALL" | <number>, "agent_name": "...", "payload": "<payload_json as text>"}, ...]
  register-config-json: when given, Plugin.Register is called with it first; its answer (or refusal) is printed.
Prints one JSON object: {"register": ..., "events": [{"action", "has_modified_payload", "modified_payload",
"reason"} | {"error": {"code", "details"}}, ...]}.
"""
import json
import sys
from urllib.parse import unquote

stubs, address, events = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
config = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
sys.path.insert(0, stubs)

import grpc  # noqa: E402

from agentplatform.v1 import lifecycle_pb2, lifecycle_pb2_grpc, plugin_pb2, plugin_pb2_grpc  # noqa: E402


def refusal(err):
    return {"error": {"code": err.code().name, "details": err.details()}}


out = {"register": None, "events": []}
with grpc.insecure_channel(address) as channel:
    grpc.channel_ready_future(channel).result(timeout=10)
    if config is not None:
        try:
            res = plugin_pb2_grpc.PluginStub(channel).Register(plugin_pb2.RegisterRequest(config=config), timeout=10)
            out["register"] = {"name": res.name, "capabilities": [plugin_pb2.Capability.Name(c) for c in res.capabilities]}
        except grpc.RpcError as err:
            out["register"] = refusal(err)

    hooks = lifecycle_pb2_grpc.LifecycleHookStub(channel)
    for event in events:
        # Upstream's Python style: enum values at module level (lifecycle_pb2.TOOL_CALL).
        event_type = event["type"] if isinstance(event["type"], int) else getattr(lifecycle_pb2, event["type"])
        request = lifecycle_pb2.LifecycleEvent(
            type=event_type, agent_name=event.get("agent_name", ""), payload_json=event["payload"].encode("utf-8")
        )
        try:
            res, call = hooks.OnEvent.with_call(request, timeout=10)
        except grpc.RpcError as err:
            out["events"].append(refusal(err))
            continue
        metadata = dict(call.initial_metadata())
        reason = metadata.get("agentwire-cancel-reason")
        has_modified = res.HasField("modified_payload_json")
        out["events"].append(
            {
                "action": lifecycle_pb2.Action.Name(res.action),
                "has_modified_payload": has_modified,
                "modified_payload": json.loads(res.modified_payload_json.decode("utf-8")) if has_modified else None,
                "reason": unquote(reason) if reason is not None else None,
            }
        )

print(json.dumps(out))
