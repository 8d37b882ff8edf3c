// docs/flyte.md shows the files of this folder (its report and exchange-rate agents, and their test), and
// packages/flyte/README.md those of readme/, as code blocks, each starting with its path. The test files
// import the agents by relative path, which the docs' standalone block checker cannot resolve, so they run
// here instead; this test keeps the blocks and these files identical (apart from the comment lines right
// under the path).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const docs = {
  guide: readFileSync(new URL("../../../../docs/flyte.md", import.meta.url), "utf8"),
  readme: readFileSync(new URL("../../../../packages/flyte/README.md", import.meta.url), "utf8"),
};

/** The code of the block whose first line is `// <path>`, without its leading comment lines. */
function code(text: string): string {
  const lines = text.split("\n");
  let i = 0;
  while (lines[i]?.startsWith("//")) i++;
  return lines.slice(i).join("\n").trim();
}

function block(doc: string, path: string): string {
  const start = doc.indexOf(`\n// ${path}\n`);
  if (start === -1) throw new Error(`no block starting with // ${path}`);
  const end = doc.indexOf("\n```", start + 1);
  return code(doc.slice(start + 1, end));
}

describe("docs/flyte.md", () => {
  it.each(["src/report-agent.ts", "src/exchange-rate-agent.ts", "test/agents.test.ts"])("shows %s as it is here", (path) => {
    expect(block(docs.guide, path)).toBe(code(readFileSync(new URL(path, import.meta.url), "utf8")));
  });
});

describe("packages/flyte/README.md", () => {
  it.each(["src/shell-agent.ts", "test/shell-agent.test.ts"])("shows %s as it is in readme/", (path) => {
    expect(block(docs.readme, path)).toBe(code(readFileSync(new URL(`readme/${path}`, import.meta.url), "utf8")));
  });
});
