"""Drives the example agent server over Flyte 2's connector protocol with the official Python gRPC stack:
grpcio and the PyPI `flyteidl2` stubs, as Flyte 2's executor calls a connector (inputs as named literals,
outputs as task.Outputs, a connection sent inline). The same server process answers Flyte 1 too: the last
check calls flyteidl.service on it.

Usage: python grpcio_client_v2.py --target 127.0.0.1:8000 [--list]

Prints one line per check ("ok <name>: <detail>") and exits 1 at the first failure with "FAIL <name>: <why>".
"""

import argparse
import sys
import time

import grpc
from flyteidl2.connector import connector_pb2, service_pb2_grpc
from flyteidl2.core import execution_pb2, interface_pb2, literals_pb2, security_pb2, tasks_pb2, types_pb2
from flyteidl2.task import common_pb2

CALL_TIMEOUT = 10.0
POLL_LIMIT_SECONDS = 60.0  # a safety net for a hung server, not an assertion about speed
Phase = execution_pb2.TaskExecution


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def variables(**named):
    # flyteidl2's VariableMap is a list of entries (flyteidl's is a map: the same bytes on the wire).
    return interface_pb2.VariableMap(variables=[interface_pb2.VariableEntry(key=k, value=v) for k, v in named.items()])


def string_var():
    return interface_pb2.Variable(type=types_pb2.LiteralType(simple=types_pb2.SimpleType.STRING))


def integer_var():
    return interface_pb2.Variable(type=types_pb2.LiteralType(simple=types_pb2.SimpleType.INTEGER))


def string_literal(value):
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value)))


def batch_template():
    return tasks_pb2.TaskTemplate(
        type="batch_job",
        task_type_version=0,
        interface=interface_pb2.TypedInterface(
            inputs=variables(script=string_var()),
            outputs=variables(exit_code=integer_var(), stdout=string_var()),
        ),
    )


def inputs(**values):
    return common_pb2.Inputs(literals=[common_pb2.NamedLiteral(name=k, value=string_literal(v)) for k, v in values.items()])


CONNECTION = security_pb2.Connection(task_type="batch_job", secrets={"api_token": "s3cr3t-v2-token"}, configs={"region": "eu-west-1"})
CATEGORY = connector_pb2.TaskCategory(name="batch_job", version=0)


def create(stub, script):
    template = batch_template()
    request = connector_pb2.CreateTaskRequest(inputs=inputs(script=script), template=template, output_prefix="s3://bucket/v2/out", connection=CONNECTION)
    return stub.CreateTask(request, timeout=CALL_TIMEOUT).resource_meta


def poll(stub, meta):
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        resource = stub.GetTask(connector_pb2.GetTaskRequest(resource_meta=meta, task_category=CATEGORY, output_prefix="s3://bucket/v2/out", connection=CONNECTION), timeout=CALL_TIMEOUT).resource
        if resource.phase in (Phase.SUCCEEDED, Phase.FAILED, Phase.ABORTED, Phase.RETRYABLE_FAILED):
            return resource
        expect(time.monotonic() < deadline, f"still {Phase.Phase.Name(resource.phase)} after {POLL_LIMIT_SECONDS} s")
        time.sleep(0.1)


def code_of(fn):
    try:
        fn()
    except grpc.RpcError as err:
        return err.code(), err.details()
    return None, None


def check_list_connectors(ch):
    stub = service_pb2_grpc.ConnectorMetadataServiceStub(ch)
    connectors = stub.ListConnectors(connector_pb2.ListConnectorsRequest(), timeout=CALL_TIMEOUT).connectors
    names = {c.name: [(t.name, t.version) for t in c.supported_task_categories] for c in connectors}
    expect(names == {"Batch Job Agent": [("batch_job", 0)]}, f"expected only the async batch agent, got {names}")
    return f"{names}"


def check_get_connector(ch):
    stub = service_pb2_grpc.ConnectorMetadataServiceStub(ch)
    connector = stub.GetConnector(connector_pb2.GetConnectorRequest(name="Batch Job Agent"), timeout=CALL_TIMEOUT).connector
    expect(connector.name == "Batch Job Agent", f"got {connector}")
    code, details = code_of(lambda: stub.GetConnector(connector_pb2.GetConnectorRequest(name="HTTP Request Agent"), timeout=CALL_TIMEOUT))
    expect(code == grpc.StatusCode.NOT_FOUND and "sync agent" in details, f"a sync agent over v2: {code} {details}")
    return details


def check_async_succeeded(ch):
    stub = service_pb2_grpc.AsyncConnectorServiceStub(ch)
    meta = create(stub, "printf 'hello v2'")
    resource = poll(stub, meta)
    expect(resource.phase == Phase.SUCCEEDED, f"phase {Phase.Phase.Name(resource.phase)}: {resource.message}")
    outputs = {n.name: n.value for n in resource.outputs.literals}
    expect(set(outputs) == {"exit_code", "stdout"}, f"outputs {list(outputs)}")
    expect(outputs["stdout"].scalar.primitive.string_value == "hello v2", f"stdout {outputs['stdout']}")
    expect(outputs["exit_code"].scalar.primitive.integer == 0, f"exit_code {outputs['exit_code']}")
    return "SUCCEEDED with task.Outputs {exit_code: 0, stdout: 'hello v2'}"


def check_async_failed(ch):
    stub = service_pb2_grpc.AsyncConnectorServiceStub(ch)
    resource = poll(stub, create(stub, "echo 'disk full' >&2; exit 3"))
    expect(resource.phase == Phase.FAILED and "disk full" in resource.message, f"{Phase.Phase.Name(resource.phase)}: {resource.message}")
    return resource.message


SECRET_VALUE = "s3cr3t-v2-token"


def check_secret_passed_never_echoed(ch):
    # The connection's secret reaches the job (as $api_token): a script that succeeds only when it has it, then one that
    # prints it to stderr and fails, whose FAILED message (the stderr tail) must show it redacted.
    stub = service_pb2_grpc.AsyncConnectorServiceStub(ch)
    ok = poll(stub, create(stub, 'test "$api_token" = "' + SECRET_VALUE + '" && printf "secret received"'))
    expect(ok.phase == Phase.SUCCEEDED, f"the job did not see the secret: {Phase.Phase.Name(ok.phase)}: {ok.message}")
    failed = poll(stub, create(stub, 'echo "token $api_token was rejected" >&2; exit 5'))
    expect(failed.phase == Phase.FAILED, f"{Phase.Phase.Name(failed.phase)}: {failed.message}")
    expect(SECRET_VALUE not in failed.message, f"the FAILED message leaks the secret: {failed.message}")
    expect("was rejected" in failed.message and "[redacted secret api_token]" in failed.message, f"expected the stderr tail with the secret redacted: {failed.message}")
    return failed.message


def check_async_delete(ch):
    stub = service_pb2_grpc.AsyncConnectorServiceStub(ch)
    meta = create(stub, "sleep 60")
    stub.DeleteTask(connector_pb2.DeleteTaskRequest(resource_meta=meta, task_category=CATEGORY, connection=CONNECTION), timeout=CALL_TIMEOUT)
    resource = poll(stub, meta)
    expect(resource.phase == Phase.ABORTED, f"after DeleteTask: {Phase.Phase.Name(resource.phase)}")
    return "ABORTED"


def check_create_sync_refused(ch):
    stub = service_pb2_grpc.AsyncConnectorServiceStub(ch)
    template = tasks_pb2.TaskTemplate(type="http_request", interface=interface_pb2.TypedInterface(inputs=variables(body=string_var())))
    code, details = code_of(lambda: stub.CreateTask(connector_pb2.CreateTaskRequest(inputs=inputs(body=""), template=template), timeout=CALL_TIMEOUT))
    expect(code == grpc.StatusCode.FAILED_PRECONDITION and "Flyte 2 has no sync connector service" in details, f"{code} {details}")
    return details


def check_create_missing_input(ch):
    stub = service_pb2_grpc.AsyncConnectorServiceStub(ch)
    template = batch_template()
    code, details = code_of(lambda: stub.CreateTask(connector_pb2.CreateTaskRequest(inputs=common_pb2.Inputs(), template=template), timeout=CALL_TIMEOUT))
    expect(code == grpc.StatusCode.INVALID_ARGUMENT and "script" in details, f"{code} {details}")
    return details


def check_flyte1_on_the_same_server(ch):
    from flyteidl.admin import agent_pb2 as v1
    from flyteidl.service import agent_pb2_grpc as v1_grpc

    agents = v1_grpc.AgentMetadataServiceStub(ch).ListAgents(v1.ListAgentsRequest(), timeout=CALL_TIMEOUT).agents
    names = sorted(a.name for a in agents)
    expect(names == ["Batch Job Agent", "HTTP Request Agent"], f"v1 ListAgents: {names}")
    return f"v1 ListAgents: {names}"


CHECKS = [
    ("list_connectors", check_list_connectors),
    ("get_connector", check_get_connector),
    ("async_succeeded", check_async_succeeded),
    ("async_failed", check_async_failed),
    ("secret_passed_never_echoed", check_secret_passed_never_echoed),
    ("async_delete", check_async_delete),
    ("create_sync_refused", check_create_sync_refused),
    ("create_missing_input", check_create_missing_input),
    ("flyte1_on_the_same_server", check_flyte1_on_the_same_server),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        print("\n".join(name for name, _ in CHECKS))
        return 0
    with grpc.insecure_channel(args.target) as ch:
        for name, fn in CHECKS:
            try:
                detail = fn(ch)
            except CheckFailed as err:
                print(f"FAIL {name}: {err}", flush=True)
                return 1
            except grpc.RpcError as err:
                print(f"FAIL {name}: rpc error {err.code()}: {err.details()}", flush=True)
                return 1
            print(f"ok {name}: {detail}", flush=True)
    print(f"all {len(CHECKS)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
