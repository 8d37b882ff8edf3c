import type { CheckResult } from "../check.js";
import { marks } from "./text.js";

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * The progress indicator on stderr while a run goes: one line rewritten in place on a TTY, plain lines (one per
 * check that did not pass) otherwise, so CI logs stay readable. `done()` clears the line.
 */
export function createProgress(stream: ProgressStream): { onResult(result: CheckResult): void; done(): void } {
  let n = 0;
  let bad = 0;
  return {
    onResult(result) {
      n++;
      if (result.status === "failed" || result.status === "unexpected-pass") bad++;
      if (stream.isTTY) {
        const line = `[${n}] ${bad} failing · ${marks[result.status]} ${result.id}`;
        stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
      } else {
        stream.write(`${marks[result.status]} ${result.id} ${result.status}\n`);
      }
    },
    done() {
      if (stream.isTTY && n > 0) stream.write("\r\x1b[2K");
    },
  };
}
