// docs/flyte.md shows the files of this folder (its report and exchange-rate agents, and their test) as
// code blocks, each starting with its path. The test file imports the agents by relative path, which the
// docs' standalone block checker cannot resolve, so it runs here instead; this test keeps the guide's
// blocks and these files identical (apart from the comment lines right under the path).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const guide = readFileSync(new URL("../../../../docs/flyte.md", import.meta.url), "utf8");

/** The code of the block whose first line is `// <path>`, without its leading comment lines. */
function code(text: string): string {
  const lines = text.split("\n");
  let i = 0;
  while (lines[i]?.startsWith("//")) i++;
  return lines.slice(i).join("\n").trim();
}

function block(path: string): string {
  const start = guide.indexOf(`\n// ${path}\n`);
  if (start === -1) throw new Error(`docs/flyte.md has no block starting with // ${path}`);
  const end = guide.indexOf("\n```", start + 1);
  return code(guide.slice(start + 1, end));
}

describe("docs/flyte.md", () => {
  it.each(["src/report-agent.ts", "src/exchange-rate-agent.ts", "test/agents.test.ts"])("shows %s as it is here", (path) => {
    expect(block(path)).toBe(code(readFileSync(new URL(path, import.meta.url), "utf8")));
  });
});
