// Keys must never reach the wire or the logs. An upstream's error message can quote the key it refused
// (OpenAI echoes a masked prefix, some gateways echo it whole, a URL may carry it as `?key=`), so every
// message that leaves an LLM provider passes through here: the secrets the author names are removed by
// value, and anything shaped like a well-known key format by pattern.

/** What a removed secret reads as. */
export const redacted = "[redacted]";

// Key formats that are unambiguous enough to remove wherever they appear. Request ids, model names and
// other long tokens are deliberately left alone: they are what an operator needs from an error.
const keyPatterns: readonly RegExp[] = [
  // OpenAI (sk-..., sk-proj-..., and OpenAI's own masked echo sk-abc***wxyz), Anthropic (sk-ant-...), DeepSeek, OpenRouter (sk-or-...).
  /\bsk-[A-Za-z0-9][A-Za-z0-9_\-*]{5,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  // Groq, xAI, Hugging Face, Replicate, Perplexity, Fireworks-style prefixes.
  /\b(?:gsk|xai|hf|r8|pplx|fw)[_-][A-Za-z0-9_-]{16,}/g,
  // GitHub tokens (GitHub Models speaks the Chat Completions API).
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  // AWS access key ids.
  /\bAKIA[0-9A-Z]{16}\b/g,
];

// `Bearer <token>` and `Basic <token>` as an Authorization header or its echo.
const authorization = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;

// `api_key=...`, `"api_key": "..."`, `x-api-key: ...` and the like: the name stays, the value goes.
const namedSecret =
  /(\b(?:x-)?(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret[_-]?key|client[_-]?secret|password)"?\s*[:=]\s*"?)([^\s"'&,;})]{4,})/gi;

// A key in a URL's query (`?key=...`, Google's style), where a bare `key` is unambiguous.
const queryKey = /([?&](?:key|token|sig)=)([^&\s"'#]{4,})/gi;

/**
 * `text` with `secrets` (exact values, e.g. the API key the author read) and anything shaped like a
 * well-known API key (`sk-...`, `AIza...`, `Bearer ...`, `api_key=...`) replaced by `[redacted]`. Empty or
 * blank secrets are ignored; each secret is also removed in its URL-encoded and JSON-escaped forms.
 *
 * ```ts
 * redactSecrets("Incorrect API key provided: sk-proj-abc123def456", [apiKey]);
 * // "Incorrect API key provided: [redacted]"
 * ```
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  const values = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.trim() === "") continue;
    values.add(secret);
    values.add(encodeURIComponent(secret));
    values.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is removed whole.
  for (const value of [...values].sort((a, b) => b.length - a.length)) out = out.split(value).join(redacted);
  for (const pattern of keyPatterns) out = out.replace(pattern, redacted);
  out = out.replace(authorization, (_match, scheme: string) => `${scheme} ${redacted}`);
  for (const pattern of [namedSecret, queryKey]) {
    out = out.replace(pattern, (match, name: string, value: string) => (value.startsWith(redacted) ? match : `${name}${redacted}`));
  }
  return out;
}
