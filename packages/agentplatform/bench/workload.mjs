// What every server under test is asked, and answers: shared by the SDK plugin, the bare routes and the
// load generator so that all of them do and check the same work.

/** Text deltas per Complete call (BENCH_DELTAS). */
export const DELTAS = Number(process.env.BENCH_DELTAS ?? 1000);

/** The usage every Complete stream reports before its finish. */
export const USAGE = { inputTokens: 12, outputTokens: DELTAS };

/** `n` small text deltas, a few bytes each, as a model streams tokens: "tok0 ", "tok1 ", ... */
export function deltaTexts(n) {
  return Array.from({ length: n }, (_, i) => `tok${i % 100} `);
}

/** The ExecuteTool arguments sent on every call, and the result_json expected back. */
export const TOOL_ARGUMENTS = JSON.stringify({ a: 20, b: 22 });
export const TOOL_RESULT = "42";
