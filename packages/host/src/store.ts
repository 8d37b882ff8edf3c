// The host's durable state: one SQLite file (better-sqlite3, synchronous, WAL) or `:memory:`. Everything
// the engines must not lose is written here before it is acted on: a Flyte task before CreateTask is sent
// and its resource_meta as soon as CreateTask answers; an ActiveWorkflow message and its deliveries in the
// same transaction as the result that emitted it; the processes the host started, so that a host killed
// with SIGKILL finds and stops them on its next start.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ProcessLedger, ProcessRecord } from "./supervisor.js";

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS processes (key TEXT PRIMARY KEY, pid INTEGER NOT NULL, marker TEXT NOT NULL, command TEXT NOT NULL, started_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flyte_tasks (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  task_type TEXT NOT NULL,
  version INTEGER NOT NULL,
  connector TEXT,
  mode TEXT NOT NULL,
  phase TEXT NOT NULL,
  message TEXT,
  inputs TEXT NOT NULL,
  interface TEXT,
  custom TEXT,
  timeout_ms INTEGER,
  outputs TEXT,
  log_links TEXT,
  resource_meta BLOB,
  output_prefix TEXT NOT NULL,
  sync_failures INTEGER NOT NULL DEFAULT 0,
  abort_requested INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  terminal INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS flyte_tasks_open ON flyte_tasks (terminal);
CREATE TABLE IF NOT EXISTS flyte_events (task_id TEXT NOT NULL, n INTEGER NOT NULL, phase TEXT NOT NULL, at TEXT NOT NULL, message TEXT, log_links TEXT, PRIMARY KEY (task_id, n));
CREATE TABLE IF NOT EXISTS aw_instances (
  name TEXT PRIMARY KEY,
  id INTEGER NOT NULL UNIQUE,
  type TEXT NOT NULL,
  options TEXT NOT NULL,
  credentials TEXT NOT NULL,
  schedule TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  memory TEXT NOT NULL DEFAULT '{}',
  source TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_check_at TEXT,
  last_receive_at TEXT
);
CREATE TABLE IF NOT EXISTS aw_messages (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT, source_id INTEGER NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aw_deliveries (
  message_id INTEGER NOT NULL,
  instance TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT,
  last_error TEXT,
  PRIMARY KEY (message_id, instance)
);
CREATE INDEX IF NOT EXISTS aw_deliveries_pending ON aw_deliveries (state, instance, message_id);
CREATE TABLE IF NOT EXISTS aw_events (id INTEGER PRIMARY KEY AUTOINCREMENT, instance TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aw_events_instance ON aw_events (instance, id);
CREATE TABLE IF NOT EXISTS ap_settings (workspace TEXT NOT NULL, plugin TEXT NOT NULL, settings TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (workspace, plugin));
CREATE TABLE IF NOT EXISTS ap_conversations (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, agent TEXT NOT NULL, input TEXT NOT NULL, source TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, ended_at TEXT);
CREATE INDEX IF NOT EXISTS ap_conversations_workspace ON ap_conversations (workspace, created_at);
CREATE TABLE IF NOT EXISTS ap_events (conversation TEXT NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL, PRIMARY KEY (conversation, n));
`;

/** The host's SQLite database. */
export class HostStore {
  readonly db: Database.Database;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // NORMAL under WAL: a committed transaction survives the process being killed (only an OS crash may lose the last ones).
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(schema);
  }

  get persistent(): boolean {
    return this.path !== ":memory:";
  }

  /** Runs `fn` in one transaction: everything or nothing. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /** The ledger of processes the supervisor started. */
  readonly processes: ProcessLedger = {
    list: () =>
      (this.db.prepare("SELECT key, pid, marker, command, started_at AS startedAt FROM processes").all() as ProcessRecord[]).map((r) => ({ ...r })),
    put: (r: ProcessRecord) => {
      this.db
        .prepare("INSERT INTO processes (key, pid, marker, command, started_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET pid = excluded.pid, marker = excluded.marker, command = excluded.command, started_at = excluded.started_at")
        .run(r.key, r.pid, r.marker, r.command, r.startedAt);
    },
    remove: (key: string) => {
      this.db.prepare("DELETE FROM processes WHERE key = ?").run(key);
    },
  };

  close(): void {
    if (this.db.open) this.db.close();
  }
}
