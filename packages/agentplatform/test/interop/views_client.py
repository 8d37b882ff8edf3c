"""Calls a served view plugin the way a Python platform would: the official grpcio stack, with stubs that
grpc_tools.protoc generated from packages/agentplatform/proto (the test generates them into a temp dir).

Usage: views_client.py <stubs-dir> <host:port>
Prints one JSON object with everything it saw.
"""
import json
import sys

stubs, address = sys.argv[1], sys.argv[2]
sys.path.insert(0, stubs)

import grpc  # noqa: E402

from agentplatform.v1 import view_pb2, view_pb2_grpc  # noqa: E402


def route(stub, method, path, body=b"", headers=None, query=None):
    res = stub.HandleRoute(
        view_pb2.RouteRequest(method=method, path=path, body=body, headers=headers or {}, query=query or {}), timeout=10
    )
    text = res.body.decode("utf-8")
    is_json = res.headers.get("content-type", "").startswith("application/json")
    return {"status": res.status_code, "headers": dict(res.headers), "body": json.loads(text) if is_json else text}


out = {}
with grpc.insecure_channel(address) as channel:
    grpc.channel_ready_future(channel).result(timeout=10)
    views = view_pb2_grpc.ViewProviderStub(channel)

    listed = views.ListViews(view_pb2.ListViewsRequest(), timeout=10)
    out["views"] = [
        {
            "name": v.name,
            "label": v.label,
            "icon": v.icon,
            "scope": v.scope,
            "routes": [{"method": r.method, "path": r.path} for r in v.routes],
        }
        for v in listed.views
    ]

    prefix = "/api/v1/workspaces/ws-py/views/dashboard"
    out["routes"] = {
        "list_empty": route(views, "GET", prefix + "/api/tasks"),
        "create": route(views, "POST", prefix + "/api/tasks", json.dumps({"title": 'From "Python" ${x}'}).encode()),
        "create_plain": route(views, "POST", "/api/tasks", b'{"title": "no workspace"}', query={"workspace_id": "ws-py"}),
        "not_json": route(views, "POST", prefix + "/api/tasks", b"title=nope"),
        "empty_title": route(views, "POST", prefix + "/api/tasks", b'{"title": ""}'),
        "unknown": route(views, "GET", prefix + "/api/unknown"),
        "wrong_method": route(views, "DELETE", prefix + "/api/tasks"),
        "list": route(views, "GET", prefix + "/api/tasks"),
    }

    out["render"] = views.RenderView(
        view_pb2.RenderViewRequest(view_name="tasks", workspace_id="ws-py", params={"tab": "all"}), timeout=10
    ).component_hcl
    out["render_unknown"] = views.RenderView(view_pb2.RenderViewRequest(view_name="nope"), timeout=10).component_hcl

    def frames():
        yield view_pb2.StreamMessage(metadata={"workspace_id": "ws-py", "user_id": "u-py", "user_email": "py@example.com"})
        yield view_pb2.StreamMessage(data=b"hello")
        yield view_pb2.StreamMessage(data=json.dumps({"input": "again"}).encode())

    out["stream"] = [json.loads(m.data.decode("utf-8")) for m in views.HandleStream(frames(), timeout=10)]

print(json.dumps(out))
