import { describe, expect, it } from "vitest";
import { agentUrlEnvVar, assertAgentName, defaultAgentPath } from "../src/agent-name.js";
import { agentNamePattern } from "../src/index.js";

describe("agent names", () => {
  it("accepts CamelCase Ruby constants only", () => {
    for (const ok of ["DigestAgent", "A", "Http2Agent", "RSSFeedAgent"]) expect(agentNamePattern.test(ok)).toBe(true);
    for (const bad of ["digest", "Digest Agent", "Digest_Agent", "Digest-Agent", "", "Ünicode"]) expect(agentNamePattern.test(bad)).toBe(false);
    expect(() => assertAgentName("my agent")).toThrow(/agent name "my agent" is not valid: it must match .* because ActiveWorkflow turns it into the Ruby constant Agents::<name>/);
  });

  it("derives paths and environment variables", () => {
    expect(defaultAgentPath("DigestAgent")).toBe("/digest");
    expect(defaultAgentPath("RSSFeedAgent")).toBe("/rss-feed");
    expect(defaultAgentPath("Http2Agent")).toBe("/http2");
    expect(defaultAgentPath("Agent")).toBe("/agent");
    expect(defaultAgentPath("Weather")).toBe("/weather");
    expect(agentUrlEnvVar("RSSFeedAgent")).toBe("REMOTE_AGENT_URL_RSS_FEED_AGENT");
    expect(agentUrlEnvVar("DigestAgent")).toBe("REMOTE_AGENT_URL_DIGEST_AGENT");
  });
});
