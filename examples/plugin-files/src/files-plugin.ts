// The files plugin: three read-only tools over one directory, the `root` the workspace configures.
import { AgentwireError, defineConfigSchema, Plugin, ToolProvider, type ConfigValues } from "@agentwire/agentplatform";
import { z } from "zod";
import { realRoot } from "./confined-path.js";
import { listFiles, readFile, searchFiles, type Limits } from "./file-tools.js";

const pathText = z.string().max(4096);

const listFilesInput = z.strictObject({
  path: pathText.optional().describe('Directory to list, relative to the root; "." or omitted: the root itself'),
});

const readFileInput = z.strictObject({
  path: pathText.min(1).describe('File to read, relative to the root, such as "docs/README.md"'),
});

const searchFilesInput = z.strictObject({
  pattern: z.string().min(1).max(1000).describe("Text to look for in each line (literal text, not a regular expression)"),
  path: pathText.optional().describe('Directory (or file) to search, relative to the root; "." or omitted: the whole root'),
  ignore_case: z.boolean().optional().describe("Match regardless of letter case; default false"),
});

/** The workspace's settings for the plugin: the root, and the limits. */
export const filesConfigSchema = defineConfigSchema({
  root: {
    type: "string",
    required: true,
    description: "Directory the tools may read (absolute); paths outside it, through .. or symbolic links, are refused",
    placeholder: "/srv/shared-docs",
  },
  max_file_bytes: {
    type: "number",
    default: 1048576,
    description: "Largest file read_file returns and search_files searches, in bytes",
  },
  max_results: {
    type: "number",
    default: 200,
    description: "Most entries list_files returns and most matches search_files returns",
  },
});

type FilesConfig = ConfigValues<typeof filesConfigSchema>;

const limits = (config: FilesConfig): Limits => ({ maxFileBytes: config.max_file_bytes, maxResults: config.max_results });

/** The three tools. Each handler gets the registered config, typed from `filesConfigSchema`. */
export class FileTools extends ToolProvider<typeof filesConfigSchema> {
  listFiles = this.tool(
    "list_files",
    {
      description:
        "Lists a directory under the root: each entry's name, type (file, directory, symlink, other) and, for files, size in bytes. " +
        "Paths are relative to the root.",
      inputSchema: listFilesInput,
    },
    async ({ path }, { config }) => listFiles(await realRoot(config.root), path ?? ".", limits(config)),
  );

  readFile = this.tool(
    "read_file",
    {
      description: "Reads a text file under the root and returns its content (UTF-8). Paths are relative to the root.",
      inputSchema: readFileInput,
    },
    async ({ path }, { config }) => readFile(await realRoot(config.root), path, limits(config)),
  );

  searchFiles = this.tool(
    "search_files",
    {
      description:
        "Finds the lines that contain a piece of text in the text files under a directory of the root (recursively, " +
        "not following symbolic links), and returns each match's file, line number and line.",
      inputSchema: searchFilesInput,
    },
    async ({ pattern, path, ignore_case }, { config, signal }) =>
      searchFiles(await realRoot(config.root), pattern, path ?? ".", { ignoreCase: ignore_case ?? false, signal }, limits(config)),
  );
}

/** Refuses limits that are not whole numbers of at least 1, and a root that is not a readable directory. */
async function checkConfig(config: FilesConfig): Promise<void> {
  const problems: string[] = [];
  for (const field of ["max_file_bytes", "max_results"] as const) {
    if (!Number.isInteger(config[field]) || config[field] < 1) problems.push(`${field}: must be a whole number of at least 1, got ${config[field]}`);
  }
  try {
    await realRoot(config.root);
  } catch (err) {
    problems.push(`root: ${(err as Error).message}`);
  }
  if (problems.length > 0) throw new AgentwireError("invalid_argument", `invalid config for plugin "files": ${problems.join("; ")}`);
}

/**
 * The plugin: its manifest and the file tools. `root` (required) is the directory the tools read: nothing
 * outside it is ever opened, whatever path an agent sends.
 */
export function createFilesPlugin() {
  return new Plugin({
    name: "files",
    version: "0.1.0",
    manifest: {
      description: "Lets agents list, read and search the text files under one directory, and nothing outside it",
      author: "agentwire examples",
      type: "remote",
      configSchema: filesConfigSchema,
    },
    providers: [new FileTools()],
    onRegister: ({ config }) => checkConfig(config),
  });
}
