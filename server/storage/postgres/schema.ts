import type { Client } from 'pg';
import type { Logger } from '../../logger.ts';
import { LOCK_NAMESPACE } from './pool.ts';

/**
 * Schema versions, applied in order inside one transaction each; the table
 * `schema_migrations` lists the versions applied. Same tables and columns as
 * the SQLite adapter (server/storage/sqlite/schema.ts), which reached this shape in
 * three steps; PostgreSQL starts at it.
 */
export const MIGRATIONS: readonly string[] = [
	`CREATE TABLE practices (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		framework TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		participant_invite TEXT NOT NULL,
		observer_invite TEXT NOT NULL,
		default_visibility TEXT NOT NULL DEFAULT 'shared'
	);
	CREATE TABLE invites (
		token_hash TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		role TEXT NOT NULL
	);
	CREATE INDEX invites_practice ON invites(practice_id);
	CREATE TABLE members (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		name TEXT NOT NULL,
		role TEXT NOT NULL,
		session_hash TEXT NOT NULL UNIQUE,
		created_at BIGINT NOT NULL,
		removed_at BIGINT,
		had_lane BOOLEAN NOT NULL DEFAULT FALSE
	);
	CREATE INDEX members_practice ON members(practice_id);
	CREATE TABLE updates (
		seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		doc TEXT NOT NULL,
		data BYTEA NOT NULL,
		at BIGINT NOT NULL,
		member_id TEXT
	);
	CREATE INDEX updates_doc_seq ON updates(doc, seq);
	CREATE INDEX updates_member ON updates(member_id) WHERE member_id IS NOT NULL;
	CREATE TABLE checkpoints (
		doc TEXT NOT NULL,
		seq BIGINT NOT NULL,
		state BYTEA NOT NULL,
		PRIMARY KEY (doc, seq)
	);
	CREATE TABLE anonymous_notes (
		anon_id TEXT PRIMARY KEY,
		source_doc TEXT NOT NULL,
		source_note TEXT NOT NULL,
		UNIQUE (source_doc, source_note)
	);
	CREATE TABLE rounds (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		board_id TEXT NOT NULL,
		started_at BIGINT NOT NULL,
		ends_at BIGINT NOT NULL,
		revealed_at BIGINT
	);
	CREATE INDEX rounds_open ON rounds(started_at) WHERE revealed_at IS NULL;
	-- ANALYZE would copy sample values (note text, names) into pg_statistic, where erasure cannot reach them.
	ALTER TABLE updates ALTER COLUMN data SET STATISTICS 0;
	ALTER TABLE checkpoints ALTER COLUMN state SET STATISTICS 0;
	ALTER TABLE members ALTER COLUMN name SET STATISTICS 0;`,
	// The timeline: meetings and named moments (positions in the log).
	`CREATE TABLE meetings (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		title TEXT NOT NULL,
		date TEXT NOT NULL,
		agenda TEXT NOT NULL,
		started_at BIGINT NOT NULL,
		ended_at BIGINT
	);
	CREATE INDEX meetings_practice ON meetings(practice_id, started_at);
	CREATE TABLE marks (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		board_id TEXT,
		kind TEXT NOT NULL,
		name TEXT NOT NULL,
		seq BIGINT NOT NULL,
		at BIGINT NOT NULL,
		meeting_id TEXT REFERENCES meetings(id),
		created_by TEXT
	);
	CREATE INDEX marks_practice ON marks(practice_id, seq);`,
	// "New since your last visit": how far each member has seen each board.
	`CREATE TABLE visits (
		member_id TEXT NOT NULL REFERENCES members(id),
		board_id TEXT NOT NULL,
		seq BIGINT NOT NULL,
		at BIGINT NOT NULL,
		PRIMARY KEY (member_id, board_id)
	);`,
	// Moving to another device: one-time codes, and the sessions they make (one per device).
	`CREATE TABLE device_codes (
		code_hash TEXT PRIMARY KEY,
		member_id TEXT NOT NULL REFERENCES members(id),
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX device_codes_member ON device_codes(member_id);
	CREATE TABLE device_sessions (
		session_hash TEXT PRIMARY KEY,
		member_id TEXT NOT NULL REFERENCES members(id),
		created_at BIGINT NOT NULL
	);
	CREATE INDEX device_sessions_member ON device_sessions(member_id);`,
	// Dot votes: one open vote per board; a member's dots only while it is open (deleted at close).
	`CREATE TABLE votes (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		board_id TEXT NOT NULL,
		dots INTEGER NOT NULL,
		per_note INTEGER NOT NULL,
		started_at BIGINT NOT NULL,
		ends_at BIGINT,
		closed_at BIGINT,
		result TEXT
	);
	CREATE UNIQUE INDEX votes_open ON votes(practice_id, board_id) WHERE closed_at IS NULL;
	CREATE INDEX votes_practice ON votes(practice_id, started_at);
	CREATE TABLE vote_dots (
		vote_id TEXT NOT NULL REFERENCES votes(id),
		member_id TEXT NOT NULL,
		note_id TEXT NOT NULL,
		count INTEGER NOT NULL,
		PRIMARY KEY (vote_id, member_id, note_id)
	);`,
	// The room's screen: paired by a short one-time code, then a session of its own (not a member).
	`CREATE TABLE screens (
		id TEXT PRIMARY KEY,
		practice_id TEXT NOT NULL REFERENCES practices(id),
		paired_by TEXT NOT NULL REFERENCES members(id),
		code_hash TEXT UNIQUE,
		code_expires_at BIGINT,
		session_hash TEXT UNIQUE,
		created_at BIGINT NOT NULL,
		paired_at BIGINT
	);
	CREATE INDEX screens_practice ON screens(practice_id);`
];

/** The advisory lock (in LOCK_NAMESPACE) that guards migrations. */
const MIGRATION_LOCK = 0;

/** Applies pending migrations, in one transaction that holds the migration lock. */
export async function migrate(client: Client, logger: Logger): Promise<void> {
	await client.query('BEGIN');
	try {
		// Several instances may start at once: one migrates, the others wait and then find nothing to do.
		await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]);
		await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
		)`);
		const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations');
		const current = Number(rows[0].version);
		if (current > MIGRATIONS.length) {
			throw new Error(`The database schema (version ${current}) is newer than this Zwerm knows (${MIGRATIONS.length}).`);
		}
		for (let v = current; v < MIGRATIONS.length; v++) {
			await client.query(MIGRATIONS[v]);
			await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
			logger.info('postgres-migrated', { version: v + 1 });
		}
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	}
}
