// The plugin: a ToolProvider with two tools an agent can call, save_note and search_notes, over a directory
// of Markdown notes that the workspace configures.
import { AgentwireError, defineConfigSchema, Plugin, ToolProvider, type ConfigValues } from "@agentwire/agentplatform";
import { z } from "zod";
import { NotesStore } from "./notes-store.js";

/**
 * The plugin's settings, from the workspace's `plugin "example-notes" { config { ... } }` block (or its
 * settings form); Register sends them and the SDK checks them against this schema, naming every bad field.
 * YOUR CODE: add your settings here; every handler's `context.config` is typed from this schema.
 */
export const configSchema = defineConfigSchema({
  notes_dir: {
    type: "string",
    default: "data/notes",
    description: "The directory the notes are kept in, one Markdown file each (created when missing; relative to the plugin's working directory)",
    placeholder: "/srv/notes",
  },
  max_results: {
    type: "number",
    default: 20,
    description: "The most notes search_notes returns, 1 to 100",
  },
});

type NotesConfig = ConfigValues<typeof configSchema>;

/**
 * Each tool's arguments, as a schema: the SDK publishes it to the agent as the tool's JSON Schema and checks
 * every call against it, answering bad arguments with `is_error` naming the field. The descriptions are what
 * the model reads. YOUR CODE: your tools' arguments.
 */
const saveNoteInput = z.strictObject({
  title: z.string().min(1).max(200).describe("The note's title; it names the note's file, so saving the same title again replaces it only with overwrite"),
  text: z.string().max(100_000).describe("The note's text (Markdown)"),
  overwrite: z.boolean().optional().describe("Replace a note with the same title; default false"),
});

const searchNotesInput = z.strictObject({
  query: z.string().min(1).max(500).describe("Text to look for in the notes' titles and text, in any letter case (not a regular expression)"),
  limit: z.number().int().min(1).max(100).optional().describe("The most notes to return; default the plugin's max_results"),
});

export class NoteTools extends ToolProvider<typeof configSchema> {
  saveNote = this.tool(
    "save_note",
    { description: "Saves a Markdown note under a title, and says which file it went to.", inputSchema: saveNoteInput },
    // YOUR CODE: what the tool does. The return value is the tool's result (JSON); a thrown Error's message
    // is the tool's error the agent sees.
    async ({ title, text, overwrite }, { config }) => storeFor(config).save(title, text, overwrite ?? false),
  );

  searchNotes = this.tool(
    "search_notes",
    { description: "Finds the notes that contain a piece of text, newest first, with the first matching line of each.", inputSchema: searchNotesInput },
    async ({ query, limit }, { config, signal }) => {
      const found = await storeFor(config).search(query, Math.min(limit ?? config.max_results, config.max_results), signal);
      return { query, ...found };
    },
  );
}

function storeFor(config: NotesConfig): NotesStore {
  return new NotesStore(config.notes_dir);
}

/** Refuses settings the tools could not work with, at Register, naming each field. */
async function checkConfig(config: NotesConfig): Promise<void> {
  const problems: string[] = [];
  if (!Number.isInteger(config.max_results) || config.max_results < 1 || config.max_results > 100) {
    problems.push(`max_results: must be a whole number from 1 to 100, got ${config.max_results}`);
  }
  try {
    await storeFor(config).open();
  } catch (err) {
    problems.push(`notes_dir: ${(err as Error).message}`);
  }
  if (problems.length > 0) throw new AgentwireError("invalid_argument", `invalid config for plugin "example-notes": ${problems.join("; ")}`);
}

/** The plugin `main.ts` serves and the tests drive. */
export function createNotesPlugin() {
  return new Plugin({
    // The workspace's `plugin "example-notes"` block must use this name.
    name: "example-notes",
    version: "0.1.0",
    manifest: {
      description: "Lets agents save Markdown notes and search them, in one directory",
      author: "agentwire-template-plugin-tool",
      type: "remote",
      configSchema,
    },
    providers: [new NoteTools()],
    onRegister: ({ config }) => checkConfig(config),
  });
}
