// In local mode stdout belongs to the handshake: the host reads its first line as the plugin's address, and
// a stray line before it (or any output after it) is a protocol error (go-plugin #199; the MCP stdio
// servers that broke on one console.log). So the guard sends everything else to stderr.

let writeHandshake: ((text: string) => void) | undefined;

/**
 * Redirects `console.log`, `console.info`, `console.debug` and `process.stdout.write` itself (which catches
 * `console.dir`, `console.table` and libraries that write to stdout directly) to stderr, and returns the
 * one function that still writes to the real stdout. Idempotent: later calls return the same function.
 */
export function guardStdout(): (text: string) => void {
  if (writeHandshake !== undefined) return writeHandshake;
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout);
  const toStderr = process.stderr.write.bind(process.stderr);
  stdout.write = toStderr;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  writeHandshake = (text: string) => {
    realWrite(text);
  };
  return writeHandshake;
}

/** The local-mode switch a host sets when it starts a plugin as a subprocess. */
export const pluginModeVariable = "AGENTPLATFORM_PLUGIN";

/** Guards stdout at once if this process was started as a local plugin; runs when the package loads. */
export function guardStdoutIfLocal(): void {
  if (process.env[pluginModeVariable] === "local") guardStdout();
}
