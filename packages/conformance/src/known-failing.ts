import { readFileSync } from "node:fs";

/** The ids of a `--known-failing` file: one per line; `#` starts a comment; blank lines ignored. */
export function parseKnownFailing(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "");
}

/** Reads a `--known-failing` file; throws with the path and the reason when it cannot. */
export function readKnownFailing(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseKnownFailing(text);
}
