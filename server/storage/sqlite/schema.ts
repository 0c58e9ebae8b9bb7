import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Row } from '../rows.ts';

/** The tables as first released; MIGRATIONS brings them up to date. The PostgreSQL schema has the same tables and columns. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS practices (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	framework TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	participant_invite TEXT NOT NULL,
	observer_invite TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS invites (
	token_hash TEXT PRIMARY KEY,
	practice_id TEXT NOT NULL REFERENCES practices(id),
	role TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
	id TEXT PRIMARY KEY,
	practice_id TEXT NOT NULL REFERENCES practices(id),
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	session_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS members_practice ON members(practice_id);
CREATE TABLE IF NOT EXISTS updates (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	doc TEXT NOT NULL,
	data BLOB NOT NULL,
	at INTEGER NOT NULL,
	member_id TEXT
);
CREATE INDEX IF NOT EXISTS updates_doc_seq ON updates(doc, seq);
CREATE TABLE IF NOT EXISTS checkpoints (
	doc TEXT NOT NULL,
	seq INTEGER NOT NULL,
	state BLOB NOT NULL,
	PRIMARY KEY (doc, seq)
);
`;

/** Schema changes after the first release, applied in order; PRAGMA user_version counts them. */
export const MIGRATIONS = [
	`ALTER TABLE members ADD COLUMN removed_at INTEGER;
	 ALTER TABLE practices ADD COLUMN default_visibility TEXT NOT NULL DEFAULT 'shared';
	 CREATE TABLE IF NOT EXISTS anonymous_notes (
		anon_id TEXT PRIMARY KEY,
		source_doc TEXT NOT NULL,
		source_note TEXT NOT NULL,
		UNIQUE (source_doc, source_note)
	 );
	 CREATE TABLE IF NOT EXISTS rounds (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		board_id TEXT NOT NULL,
		started_at INTEGER NOT NULL,
		ends_at INTEGER NOT NULL,
		revealed_at INTEGER
	 );`,
	// A lane stays readable once a member had one (also after becoming an observer or being removed).
	`ALTER TABLE members ADD COLUMN had_lane INTEGER NOT NULL DEFAULT 0;
	 UPDATE members SET had_lane = 1 WHERE role != 'observer';`,
	// The timeline: meetings and named moments (positions in the log).
	`CREATE TABLE IF NOT EXISTS meetings (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		title TEXT NOT NULL,
		date TEXT NOT NULL,
		agenda TEXT NOT NULL,
		started_at INTEGER NOT NULL,
		ended_at INTEGER
	 );
	 CREATE INDEX IF NOT EXISTS meetings_practice ON meetings(practice_id, started_at);
	 CREATE TABLE IF NOT EXISTS marks (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		board_id TEXT,
		kind TEXT NOT NULL,
		name TEXT NOT NULL,
		seq INTEGER NOT NULL,
		at INTEGER NOT NULL,
		meeting_id TEXT REFERENCES meetings(id),
		created_by TEXT
	 );
	 CREATE INDEX IF NOT EXISTS marks_practice ON marks(practice_id, seq);`,
	// "New since your last visit": how far each member has seen each board.
	`CREATE TABLE IF NOT EXISTS visits (
		member_id TEXT NOT NULL REFERENCES members(id),
		board_id TEXT NOT NULL,
		seq INTEGER NOT NULL,
		at INTEGER NOT NULL,
		PRIMARY KEY (member_id, board_id)
	 );`,
	// Moving to another device: one-time codes, and the sessions they make (one per device).
	`CREATE TABLE IF NOT EXISTS device_codes (
		code_hash TEXT PRIMARY KEY,
		member_id TEXT NOT NULL REFERENCES members(id),
		created_at INTEGER NOT NULL,
		expires_at INTEGER NOT NULL
	 );
	 CREATE INDEX IF NOT EXISTS device_codes_member ON device_codes(member_id);
	 CREATE TABLE IF NOT EXISTS device_sessions (
		session_hash TEXT PRIMARY KEY,
		member_id TEXT NOT NULL REFERENCES members(id),
		created_at INTEGER NOT NULL
	 );
	 CREATE INDEX IF NOT EXISTS device_sessions_member ON device_sessions(member_id);`,
	// Dot votes: one open vote per board; a member's dots only while it is open (deleted at close).
	`CREATE TABLE IF NOT EXISTS votes (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		board_id TEXT NOT NULL,
		dots INTEGER NOT NULL,
		per_note INTEGER NOT NULL,
		started_at INTEGER NOT NULL,
		ends_at INTEGER,
		closed_at INTEGER,
		result TEXT
	 );
	 CREATE UNIQUE INDEX IF NOT EXISTS votes_open ON votes(practice_id, board_id) WHERE closed_at IS NULL;
	 CREATE TABLE IF NOT EXISTS vote_dots (
		vote_id TEXT NOT NULL REFERENCES votes(id),
		member_id TEXT NOT NULL,
		note_id TEXT NOT NULL,
		count INTEGER NOT NULL,
		PRIMARY KEY (vote_id, member_id, note_id)
	 );`,
	// The room's screen: paired by a short one-time code, then a session of its own (not a member).
	`CREATE TABLE IF NOT EXISTS screens (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		paired_by TEXT NOT NULL REFERENCES members(id),
		code_hash TEXT UNIQUE,
		code_expires_at INTEGER,
		session_hash TEXT UNIQUE,
		created_at INTEGER NOT NULL,
		paired_at INTEGER
	 );
	 CREATE INDEX IF NOT EXISTS screens_practice ON screens(practice_id);`
];

export interface SqliteOptions {
	/** `FULL` (default) fsyncs every commit; `NORMAL` survives a killed process but not a power cut. */
	readonly synchronous?: 'FULL' | 'NORMAL';
}

/** Opens (creating when new) the file and brings its schema up to date. */
export function openDatabase(file: string, options: SqliteOptions = {}): DatabaseSync {
	if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
	const db = new DatabaseSync(file);
	// secure_delete: erased notes are overwritten on disk, not left in free pages.
	db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'};
		PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;`);
	db.exec(SCHEMA);
	const version = Number((db.prepare('PRAGMA user_version').get() as Row).user_version);
	for (let v = version; v < MIGRATIONS.length; v++) {
		transaction(db, () => {
			db.exec(MIGRATIONS[v]);
			db.exec(`PRAGMA user_version = ${v + 1}`);
		});
	}
	return db;
}

/** Runs `fn` in one write transaction (taken at once, so two writers never deadlock on an upgrade). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
	db.exec('BEGIN IMMEDIATE');
	try {
		const result = fn();
		db.exec('COMMIT');
		return result;
	} catch (error) {
		db.exec('ROLLBACK');
		throw error;
	}
}

/** Prepares named statements. */
export const prepare = (db: DatabaseSync, sql: Record<string, string>): Record<string, StatementSync> =>
	Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)]));
