// Flyte 2's connector protocol, generated from the image of the pinned PyPI flyteidl2 (packages/flyte/proto2):
// the checked-in image is exactly what scripts/flyteidl2-descriptors.py writes from the installed package, and
// the generated services are the ones Flyte 2's executor and flyte-sdk's connector server use.
import { fileURLToPath } from "node:url";
import { pythonSkipReason, pythonSuiteName, requirePython, runProcess } from "@agentwire/test-support";
import { describe, expect, it } from "vitest";
import { AsyncConnectorService, ConnectorMetadataService } from "../src/gen2/flyteidl2/connector/service_pb.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

describe("the generated flyteidl2.connector code", () => {
  it("has AsyncConnectorService and ConnectorMetadataService with Flyte 2's methods (no sync service)", () => {
    expect(AsyncConnectorService.typeName).toBe("flyteidl2.connector.AsyncConnectorService");
    expect(AsyncConnectorService.methods.map((m) => `${m.name}:${m.methodKind}`)).toEqual([
      "CreateTask:unary",
      "GetTask:unary",
      "DeleteTask:unary",
      "GetTaskMetrics:unary",
      "GetTaskLogs:server_streaming",
    ]);
    expect(ConnectorMetadataService.typeName).toBe("flyteidl2.connector.ConnectorMetadataService");
    expect(ConnectorMetadataService.methods.map((m) => m.name)).toEqual(["GetConnector", "ListConnectors"]);
  });
});

describe.skipIf(pythonSkipReason() !== undefined)(pythonSuiteName("the flyteidl2 image against the pinned PyPI package"), () => {
  it("is exactly what scripts/flyteidl2-descriptors.py writes from the installed flyteidl2", async () => {
    const python = requirePython(repo);
    const out = await runProcess(python, [`${repo}scripts/flyteidl2-descriptors.py`, "--check"], { cwd: repo, timeoutMs: 60_000 });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/^flyteidl2 image is fresh \(flyteidl2 2\.0\.51\)/);
  });
});
