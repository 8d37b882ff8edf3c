import { describe, expect, it } from "vitest";
import { createAgentHandler } from "../src/index.js";
import { EchoAgent } from "./fixtures.js";

const handler = createAgentHandler(new EchoAgent());

async function refusal(body: string | Uint8Array) {
  const res = await handler.handleRequest(body);
  return { status: res.status, error: (JSON.parse(res.body) as { error: { code: string; message: string } }).error };
}

const message = { id: 1, payload: {} };

describe("bad requests get a 400 naming the problem", () => {
  it.each([
    ["not JSON", "{method: check}", /^request body is not JSON \(.*\); send e\.g\. \{"method":"check"/],
    ["empty body", "", /^request body is not JSON \(it is empty\)/],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /^request body is not valid UTF-8 JSON/],
    ["an array", "[1,2]", /^request body must be a JSON object like .*; got an array/],
    ["null", "null", /^request body must be a JSON object .*; got null/],
    ["no method", '{"params":{}}', /^request body has no "method"; known methods: register, check, receive$/],
    ["unknown method", '{"method":"run","params":{}}', /^unknown method "run"; known methods: register, check, receive$/],
    ["non-string method", '{"method":3}', /^unknown method 3; known methods: register, check, receive$/],
    ["a huge number as method", '{"method":12345678901234567891}', /^unknown method 12345678901234567891; known methods: register, check, receive$/],
    ["params not an object", '{"method":"check","params":[]}', /^"params" must be a JSON object; got an array$/],
    ["options not an object", '{"method":"check","params":{"options":"a=b"}}', /^params\.options must be a JSON object \(send \{\} for none\); got a string$/],
    ["options null", '{"method":"check","params":{"options":null}}', /^params\.options must be a JSON object \(send \{\} for none\); got null$/],
    ["memory not an object", '{"method":"check","params":{"memory":[1]}}', /^params\.memory must be a JSON object .*; got an array$/],
    [
      "credentials as an object (the old docs' bug)",
      '{"method":"check","params":{"credentials":{"token":"x"}}}',
      /^params\.credentials must be an array of \{"name": string, "value": string\} \(ActiveWorkflow sends an array, whatever old docs show\); got an object$/,
    ],
    ["a credential not an object", '{"method":"check","params":{"credentials":["x"]}}', /^params\.credentials\[0\] must be an object/],
    ["a credential without a name", '{"method":"check","params":{"credentials":[{"value":"v"}]}}', /^params\.credentials\[0\]\.name must be a string; got nothing$/],
    ["a credential value not a string", '{"method":"check","params":{"credentials":[{"name":"a","value":"b"},{"name":"n","value":42}]}}', /^params\.credentials\[1\]\.value must be a string; got a number$/],
    ["receive without message", '{"method":"receive","params":{"options":{}}}', /^receive needs params\.message .*; it is missing$/],
    ["receive with message null", '{"method":"receive","params":{"message":null}}', /^receive needs params\.message .*; it is null$/],
    ["receive with a string message", '{"method":"receive","params":{"message":"hi"}}', /^params\.message must be a JSON object with a "payload" object; got a string$/],
    ["receive with payload not an object", JSON.stringify({ method: "receive", params: { message: { ...message, payload: [1] } } }), /^params\.message\.payload must be a JSON object; got an array$/],
    ["receive without payload", JSON.stringify({ method: "receive", params: { message: { id: 1 } } }), /^params\.message\.payload must be a JSON object; got nothing$/],
  ])("%s", async (_label, body, expected) => {
    const { status, error } = await refusal(body);
    expect(status).toBe(400);
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toMatch(expected);
  });

  it("never echoes a credential value in a refusal", async () => {
    const { error } = await refusal('{"method":"check","params":{"credentials":[{"name":"a","value":"s3cr3t"},{"name":7,"value":"s3cr3t"}]}}');
    expect(error.message).not.toContain("s3cr3t");
  });

  it("accepts what ActiveWorkflow sends, HTML-escaped strings included", async () => {
    const body =
      '{"method":"receive","params":{"options":{},"memory":{},"credentials":[],"message":{"id":1,"user_id":1,"agent_id":2,' +
      '"payload":{"html":"\\u003cb\\u003eA \\u0026 B\\u003c/b\\u003e"},"created_at":"2023-04-03T01:31:18.123-07:00",' +
      '"updated_at":"2023-04-03T01:31:18.123-07:00","expires_at":null}}}';
    const res = await handler.handleRequest(body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).result.messages[0].payload).toEqual({ html: "<b>A & B</b>" });
  });
});
