import { Client, Pool, type PoolClient } from 'pg';
import type { MemberId, PracticeId } from '../../src/lib/domain/ids.ts';
import type { Role } from '../../src/lib/domain/practice.ts';
import type { Visibility } from '../../src/lib/domain/visibility.ts';
import type {
	DeviceCodeRecord,
	HistoryEntry,
	LoggedUpdate,
	MarkRecord,
	MeetingRecord,
	MemberRecord,
	PracticeRecord,
	RoundRecord,
	StateAt,
	Storage,
	StoredDocument,
	DocumentSize
} from './types.ts';
import { toHistoryEntry, toMark, toMeeting, toMember, toPractice, toRound, type Row } from './rows.ts';
import { silentLogger, type Logger } from '../logger.ts';

/**
 * Schema versions, applied in order inside one transaction each; the table
 * `schema_migrations` lists the versions applied. Same tables and columns as
 * the SQLite adapter (server/storage/sqlite.ts), which reached this shape in
 * three steps; PostgreSQL starts at it.
 */
const MIGRATIONS: readonly string[] = [
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
	CREATE INDEX device_sessions_member ON device_sessions(member_id);`
];

/** Advisory lock namespace ('zwer'): key 0 guards migrations, others are documents' log appends. */
const LOCK_NAMESPACE = 0x7a776572;
const MIGRATION_LOCK = 0;

/** Erasure's table rewrite: how long one attempt waits for its lock, and how many attempts (about 15 s in all). */
const REWRITE_LOCK_WAIT = '1s';
const REWRITE_ATTEMPTS = 10;


export interface PostgresOptions {
	/**
	 * `FULL` (default): a commit returns once it is durable (`synchronous_commit`
	 * is raised to `on` if the server default is `off`). `NORMAL`: commits with
	 * `synchronous_commit = off`; a crash of PostgreSQL or its machine may lose
	 * the last moments.
	 */
	readonly synchronous?: 'FULL' | 'NORMAL';
	/** Connections in the pool (10). */
	readonly maxConnections?: number;
	readonly logger?: Logger;
}

/**
 * The shared store: PostgreSQL through a `pg` connection pool. Open it with
 * `PostgresStorage.open(url)`, which brings the schema up to date first.
 *
 * Differences from SQLite that this adapter takes care of:
 * - Sequence numbers are handed out before commit, so two concurrent appends
 *   may commit in the other order. Appends to a document hold an advisory
 *   lock on it until commit: per document, seq order is commit order, and a
 *   checkpoint at `lastSeq` never covers an entry that becomes visible later.
 * - `loadDocument` reads checkpoint and log in one statement (one snapshot).
 * - Ids sort by byte (`COLLATE "C"`), as in SQLite, whatever the database's collation.
 * - Erasure: MVCC keeps deleted rows and plain VACUUM leaves their bytes in
 *   the pages' free space, so the tables concerned are rewritten (VACUUM FULL).
 *   PostgreSQL's write-ahead log, archives and replicas are out of reach.
 */
export class PostgresStorage implements Storage {
	readonly kind = 'postgres';
	private readonly pool: Pool;
	private closed = false;

	private constructor(pool: Pool) {
		this.pool = pool;
	}

	/** Connects, applies pending migrations and returns a ready store. */
	static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
		const logger = options.logger ?? silentLogger;
		const client = new Client({ connectionString: url, application_name: 'zwerm', connectionTimeoutMillis: 10_000 });
		client.on('error', () => {}); // reported by the query it breaks
		await client.connect();
		let commitSetting: string;
		try {
			await migrate(client, logger);
			commitSetting = String((await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit);
		} finally {
			await client.end();
		}
		const wanted = options.synchronous === 'NORMAL' ? (commitSetting === 'off' ? null : 'off') : commitSetting === 'off' ? 'on' : null;
		const pool = new Pool({
			connectionString: url,
			application_name: 'zwerm',
			max: options.maxConnections ?? 10,
			// Fail (and let the write batcher retry) rather than wait forever for an unreachable server.
			connectionTimeoutMillis: 10_000,
			keepAlive: true,
			// Runs on each new connection before its first use.
			onConnect: wanted
				? async (c) => {
						await c.query(`SET synchronous_commit TO ${wanted}`);
					}
				: undefined
		});
		// An idle connection that breaks (server restart) is dropped by the pool; without a listener it would crash the process.
		pool.on('error', (error) => logger.warn('postgres-connection-lost', { error: String(error) }));
		return new PostgresStorage(pool);
	}

	/**
	 * A pooled connection for several statements. `reset` puts it back in shape
	 * for the next user; a connection that broke, or cannot be reset, is dropped.
	 */
	private async withClient<T>(
		fn: (client: PoolClient) => Promise<T>,
		reset: (client: PoolClient, failed: boolean) => Promise<unknown>
	): Promise<T> {
		const client = await this.pool.connect();
		// A connection that breaks between two statements reports it as an event, not through a query: without
		// a listener that would crash the process. The next statement fails, and with it the work.
		let lost: Error | undefined;
		const onError = (error: Error) => (lost = error);
		client.on('error', onError);
		let failed = false;
		try {
			return await fn(client);
		} catch (error) {
			failed = true;
			throw error;
		} finally {
			const broken = lost ?? (await reset(client, failed).then(() => undefined, toError));
			client.off('error', onError);
			client.release(broken);
		}
	}

	private transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
		return this.withClient(
			async (client) => {
				await client.query('BEGIN');
				const result = await fn(client);
				await client.query('COMMIT');
				return result;
			},
			async (client, failed) => {
				if (failed) await client.query('ROLLBACK');
			}
		);
	}

	private async query(sql: string, params: unknown[] = []): Promise<Row[]> {
		return (await this.pool.query(sql, params)).rows as Row[];
	}

	async createPractice(practice: PracticeRecord, inviteHashes: { participant: string; observer: string }): Promise<void> {
		await this.transaction(async (c) => {
			await c.query(
				`INSERT INTO practices (id, name, framework, created_at, participant_invite, observer_invite, default_visibility)
				 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				[
					practice.id,
					practice.name,
					JSON.stringify(practice.framework),
					practice.createdAt,
					practice.participantInvite,
					practice.observerInvite,
					practice.defaultVisibility
				]
			);
			await insertInvites(c, practice.id, inviteHashes);
		});
	}

	async getPractice(id: PracticeId): Promise<PracticeRecord | null> {
		const [row] = await this.query('SELECT * FROM practices WHERE id = $1', [id]);
		if (!row) return null;
		return toPractice(row);
	}

	async findInvite(tokenHash: string) {
		const [row] = await this.query('SELECT practice_id, role FROM invites WHERE token_hash = $1', [tokenHash]);
		return row ? { practiceId: row.practice_id as PracticeId, role: row.role as 'participant' | 'observer' } : null;
	}

	async addMember(member: MemberRecord, sessionHash: string): Promise<void> {
		await this.query(
			`INSERT INTO members (id, practice_id, name, role, session_hash, created_at, had_lane)
			 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			[member.id, member.practiceId, member.name, member.role, sessionHash, member.createdAt, member.role !== 'observer']
		);
	}

	async findSession(sessionHash: string): Promise<MemberRecord | null> {
		const [row] = await this.query(
			`SELECT * FROM members WHERE session_hash = $1 AND removed_at IS NULL
			 UNION ALL SELECT m.* FROM device_sessions s JOIN members m ON m.id = s.member_id
			 WHERE s.session_hash = $1 AND m.removed_at IS NULL LIMIT 1`,
			[sessionHash]
		);
		return toMember(row);
	}

	async getMember(id: MemberId): Promise<MemberRecord | null> {
		const [row] = await this.query('SELECT * FROM members WHERE id = $1', [id]);
		return toMember(row);
	}

	async listMembers(practiceId: PracticeId): Promise<MemberRecord[]> {
		const rows = await this.query(
			'SELECT * FROM members WHERE practice_id = $1 AND removed_at IS NULL ORDER BY created_at, id COLLATE "C"',
			[practiceId]
		);
		return rows.map((r) => toMember(r)!);
	}

	async updateMember(id: MemberId, change: { name?: string; role?: Role }): Promise<void> {
		if (change.name === undefined && change.role === undefined) return;
		await this.query(
			`UPDATE members SET
				name = COALESCE($2::text, name),
				role = COALESCE($3::text, role),
				had_lane = had_lane OR COALESCE($3::text <> 'observer', FALSE)
			 WHERE id = $1`,
			[id, change.name ?? null, change.role ?? null]
		);
	}

	async removeMember(id: MemberId, at: number): Promise<void> {
		await this.transaction(async (c) => {
			await c.query('UPDATE members SET removed_at = $1 WHERE id = $2', [at, id]);
			await c.query('DELETE FROM device_codes WHERE member_id = $1', [id]);
			await c.query('DELETE FROM device_sessions WHERE member_id = $1', [id]);
		});
	}

	async saveDeviceCode(code: DeviceCodeRecord): Promise<void> {
		await this.transaction(async (c) => {
			await c.query('DELETE FROM device_codes WHERE expires_at <= $1 OR member_id = $2', [code.createdAt, code.memberId]);
			await c.query('INSERT INTO device_codes (code_hash, member_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
				code.codeHash,
				code.memberId,
				code.createdAt,
				code.expiresAt
			]);
		});
	}

	async findDeviceCode(codeHash: string, now: number) {
		const [row] = await this.query(
			`SELECT m.*, c.expires_at AS code_expires_at FROM device_codes c JOIN members m ON m.id = c.member_id
			 WHERE c.code_hash = $1 AND c.expires_at > $2 AND m.removed_at IS NULL`,
			[codeHash, now]
		);
		return row ? { member: toMember(row)!, expiresAt: Number(row.code_expires_at) } : null;
	}

	async redeemDeviceCode(codeHash: string, now: number, sessionHash: string): Promise<MemberRecord | null> {
		// DELETE … RETURNING takes the row lock: a concurrent redemption waits, then finds the row gone.
		return this.transaction(async (c) => {
			const [row] = (
				await c.query(
					`DELETE FROM device_codes c USING members m
					 WHERE c.code_hash = $1 AND c.expires_at > $2 AND m.id = c.member_id AND m.removed_at IS NULL
					 RETURNING m.*`,
					[codeHash, now]
				)
			).rows as Row[];
			if (!row) return null;
			await c.query('INSERT INTO device_sessions (session_hash, member_id, created_at) VALUES ($1, $2, $3)', [sessionHash, row.id, now]);
			return toMember(row);
		});
	}

	async revokeDeviceCodes(memberId: MemberId): Promise<void> {
		await this.query('DELETE FROM device_codes WHERE member_id = $1', [memberId]);
	}

	async renewInvites(
		practiceId: PracticeId,
		tokens: { participant: string; observer: string },
		hashes: { participant: string; observer: string }
	): Promise<void> {
		await this.transaction(async (c) => {
			await c.query('DELETE FROM invites WHERE practice_id = $1', [practiceId]);
			await c.query('UPDATE practices SET participant_invite = $1, observer_invite = $2 WHERE id = $3', [
				tokens.participant,
				tokens.observer,
				practiceId
			]);
			await insertInvites(c, practiceId, hashes);
		});
	}

	async setDefaultVisibility(practiceId: PracticeId, visibility: Visibility): Promise<void> {
		await this.query('UPDATE practices SET default_visibility = $1 WHERE id = $2', [visibility, practiceId]);
	}

	async anonymousLinks(sourceDoc: string) {
		const rows = await this.query('SELECT anon_id, source_note FROM anonymous_notes WHERE source_doc = $1', [sourceDoc]);
		return rows.map((r) => ({ anonId: r.anon_id as string, noteId: r.source_note as string }));
	}

	/** Like SQLite's INSERT OR REPLACE: a link that clashes on the anonymous id or on the source note is replaced. */
	async linkAnonymous(anonId: string, sourceDoc: string, noteId: string): Promise<void> {
		await this.transaction(async (c) => {
			await c.query('DELETE FROM anonymous_notes WHERE source_doc = $1 AND source_note = $2 AND anon_id <> $3', [
				sourceDoc,
				noteId,
				anonId
			]);
			await c.query(
				`INSERT INTO anonymous_notes (anon_id, source_doc, source_note) VALUES ($1, $2, $3)
				 ON CONFLICT (anon_id) DO UPDATE SET source_doc = EXCLUDED.source_doc, source_note = EXCLUDED.source_note`,
				[anonId, sourceDoc, noteId]
			);
		});
	}

	async unlinkAnonymous(anonIds: readonly string[]): Promise<void> {
		if (anonIds.length === 0) return;
		await this.query('DELETE FROM anonymous_notes WHERE anon_id = ANY($1::text[])', [[...anonIds]]);
	}

	async unlinkAnonymousSources(sourceDocs: readonly string[]): Promise<void> {
		if (sourceDocs.length === 0) return;
		await this.query('DELETE FROM anonymous_notes WHERE source_doc = ANY($1::text[])', [[...sourceDocs]]);
	}

	async createRound(r: RoundRecord): Promise<void> {
		await this.query(
			`INSERT INTO rounds (id, practice_id, board_id, started_at, ends_at, revealed_at)
			 VALUES ($1, $2, $3, $4, $5, $6)`,
			[r.id, r.practiceId, r.boardId, r.startedAt, r.endsAt, r.revealedAt]
		);
	}

	async revealRound(id: string, at: number): Promise<void> {
		await this.query('UPDATE rounds SET revealed_at = $1 WHERE id = $2 AND revealed_at IS NULL', [at, id]);
	}

	async openRounds(): Promise<RoundRecord[]> {
		const rows = await this.query('SELECT * FROM rounds WHERE revealed_at IS NULL ORDER BY started_at, id COLLATE "C"');
		return rows.map(toRound);
	}

	async forgetMember(id: MemberId): Promise<void> {
		await this.transaction(async (c) => {
			await c.query("UPDATE members SET name = '', had_lane = FALSE WHERE id = $1", [id]);
			await c.query('UPDATE updates SET member_id = NULL WHERE member_id = $1', [id]);
			await c.query('UPDATE marks SET created_by = NULL WHERE created_by = $1', [id]);
			await c.query('DELETE FROM visits WHERE member_id = $1', [id]);
		});
		// The old row version with the name stays in the table file until it is rewritten (it is small),
		// and so do the links from their anonymous notes to their private sources (unlinked before this).
		// The log's old, attributed row versions go with eraseHistory's rewrite, which follows a member's leaving.
		await this.rewrite('members, anonymous_notes');
	}

	async eraseHistory(entries: readonly { doc: string; state: Uint8Array }[]): Promise<void> {
		if (entries.length === 0) return;
		await this.transaction(async (c) => {
			await lockDocuments(c, entries.map((e) => e.doc));
			for (const { doc, state } of entries) {
				const [row] = (await c.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates WHERE doc = $1', [doc])).rows as Row[];
				await c.query('DELETE FROM updates WHERE doc = $1', [doc]);
				await c.query('DELETE FROM checkpoints WHERE doc = $1', [doc]);
				await c.query('INSERT INTO checkpoints (doc, seq, state) VALUES ($1, $2, $3)', [doc, row.seq, state]);
			}
		});
		// Deleted rows stay in the table files (MVCC), and plain VACUUM only marks their space free: the bytes
		// remain until reused. VACUUM FULL writes new files holding the live rows only (TOAST included) and
		// drops the old ones. It locks the two tables while it runs, as SQLite's VACUUM locks the whole file.
		await this.rewrite('updates, checkpoints');
	}

	/**
	 * VACUUM FULL, which needs each table to itself. Waiting for that lock would
	 * queue every later read and write of the table behind it (a long backup
	 * holding a table would stall the log), so each attempt waits at most
	 * REWRITE_LOCK_WAIT and then lets the queue through before trying again.
	 */
	private async rewrite(tables: string): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			try {
				await this.withClient(
					async (client) => {
						await client.query(`SET lock_timeout = '${REWRITE_LOCK_WAIT}'`);
						await client.query(`VACUUM FULL ${tables}`);
					},
					(client) => client.query('RESET lock_timeout')
				);
				return;
			} catch (error) {
				const lockBusy = (error as { code?: unknown }).code === '55P03';
				if (!lockBusy || attempt >= REWRITE_ATTEMPTS) throw error;
			}
			await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
		}
	}

	async appendUpdates(batch: readonly LoggedUpdate[]): Promise<void> {
		if (batch.length === 0) return;
		await this.transaction(async (c) => {
			await lockDocuments(c, batch.map((u) => u.doc));
			// unnest keeps the batch's order, and identity values are drawn row by row in that order.
			await c.query(
				`INSERT INTO updates (doc, data, at, member_id)
				 SELECT doc, data, at, member_id FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::text[])
				   WITH ORDINALITY AS u(doc, data, at, member_id, n)
				 ORDER BY n`,
				[batch.map((u) => u.doc), batch.map((u) => u.update), batch.map((u) => u.at), batch.map((u) => u.memberId)]
			);
		});
	}

	async loadDocument(doc: string): Promise<StoredDocument> {
		// One statement, one snapshot: a checkpoint or erasure committing in between cannot split the read.
		const rows = await this.query(
			`WITH cp AS (SELECT seq, state FROM checkpoints WHERE doc = $1 ORDER BY seq DESC LIMIT 1)
			 SELECT 0 AS part, seq, state AS data FROM cp
			 UNION ALL
			 SELECT 1 AS part, seq, data FROM updates WHERE doc = $1 AND seq > COALESCE((SELECT seq FROM cp), 0)
			 ORDER BY part, seq`,
			[doc]
		);
		const cp = rows[0]?.part === 0 ? rows[0] : undefined;
		const log = cp ? rows.slice(1) : rows;
		const checkpointSeq = cp ? Number(cp.seq) : 0;
		return {
			checkpoint: cp ? bytes(cp.data) : null,
			checkpointSeq,
			updates: log.map((r) => bytes(r.data)),
			lastSeq: log.length ? Number(log[log.length - 1].seq) : checkpointSeq
		};
	}

	async documentSize(doc: string): Promise<DocumentSize> {
		const [row] = await this.query(
			`WITH cp AS (SELECT seq, octet_length(state) AS n FROM checkpoints WHERE doc = $1 ORDER BY seq DESC LIMIT 1)
			 SELECT COALESCE((SELECT n FROM cp), 0) AS checkpoint,
			        COALESCE(SUM(octet_length(data)) FILTER (WHERE seq > COALESCE((SELECT seq FROM cp), 0)), 0) AS since,
			        COALESCE(SUM(octet_length(data)), 0) AS log
			 FROM updates WHERE doc = $1`,
			[doc]
		);
		return { checkpointBytes: Number(row.checkpoint), logBytesSinceCheckpoint: Number(row.since), logBytes: Number(row.log) };
	}

	async writeCheckpoint(doc: string, seq: number, state: Uint8Array): Promise<void> {
		await this.query(
			`INSERT INTO checkpoints (doc, seq, state) VALUES ($1, $2, $3)
			 ON CONFLICT (doc, seq) DO UPDATE SET state = EXCLUDED.state`,
			[doc, seq, state]
		);
	}

	async countUpdatesSince(doc: string, seq: number): Promise<number> {
		const [row] = await this.query('SELECT COUNT(*) AS n FROM updates WHERE doc = $1 AND seq > $2', [doc, seq]);
		return Number(row.n);
	}

	async lastSeq(doc: string): Promise<number> {
		const [row] = await this.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates WHERE doc = $1', [doc]);
		return Number(row.seq);
	}

	async headSeq(): Promise<number> {
		const [row] = await this.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates');
		return Number(row.seq);
	}

	async historyOf(docs: readonly string[], range: { after?: number; upTo?: number } = {}): Promise<HistoryEntry[]> {
		if (docs.length === 0) return [];
		const rows = await this.query(
			'SELECT seq, doc, at, member_id FROM updates WHERE doc = ANY($1::text[]) AND seq > $2 AND seq <= $3 ORDER BY seq',
			[[...docs], range.after ?? 0, range.upTo ?? Number.MAX_SAFE_INTEGER]
		);
		return rows.map(toHistoryEntry);
	}

	async stateAt(doc: string, seq: number): Promise<StateAt> {
		// One statement, one snapshot (as in loadDocument).
		const rows = await this.query(
			`WITH cp AS (SELECT seq, state FROM checkpoints WHERE doc = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1)
			 SELECT 0 AS part, seq, state AS data FROM cp
			 UNION ALL
			 SELECT 1 AS part, seq, data FROM updates WHERE doc = $1 AND seq > COALESCE((SELECT seq FROM cp), 0) AND seq <= $2
			 ORDER BY part, seq`,
			[doc, seq]
		);
		const cp = rows[0]?.part === 0 ? rows[0] : undefined;
		const log = cp ? rows.slice(1) : rows;
		return {
			checkpoint: cp ? bytes(cp.data) : null,
			checkpointSeq: cp ? Number(cp.seq) : 0,
			updates: log.map((r) => ({ seq: Number(r.seq), data: bytes(r.data) }))
		};
	}

	async updatesBetween(docs: readonly string[], after: number, upTo: number) {
		if (docs.length === 0) return [];
		const rows = await this.query(
			'SELECT seq, doc, at, member_id, data FROM updates WHERE doc = ANY($1::text[]) AND seq > $2 AND seq <= $3 ORDER BY seq',
			[[...docs], after, upTo]
		);
		return rows.map((r) => ({ ...toHistoryEntry(r), data: bytes(r.data) }));
	}

	async versionAt(doc: string, seq: number): Promise<{ seq: number; count: number }> {
		const [row] = await this.query(
			`SELECT GREATEST(
				COALESCE((SELECT MAX(seq) FROM updates WHERE doc = $1 AND seq <= $2), 0),
				COALESCE((SELECT MAX(seq) FROM checkpoints WHERE doc = $1 AND seq <= $2), 0)) AS seq,
			 (SELECT COUNT(*) FROM updates WHERE doc = $1 AND seq <= $2) AS n`,
			[doc, seq]
		);
		return { seq: Number(row.seq), count: Number(row.n) };
	}

	async visits(memberId: MemberId): Promise<Map<string, number>> {
		const rows = await this.query('SELECT board_id, seq FROM visits WHERE member_id = $1', [memberId]);
		return new Map(rows.map((r) => [r.board_id as string, Number(r.seq)]));
	}

	async markVisit(memberId: MemberId, boardId: string, seq: number, at: number): Promise<void> {
		await this.query(
			`INSERT INTO visits (member_id, board_id, seq, at) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (member_id, board_id) DO UPDATE SET seq = GREATEST(visits.seq, EXCLUDED.seq), at = EXCLUDED.at`,
			[memberId, boardId, seq, at]
		);
	}

	async createMeeting(m: MeetingRecord): Promise<void> {
		await this.query(
			'INSERT INTO meetings (id, practice_id, title, date, agenda, started_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
			[m.id, m.practiceId, m.title, m.date, JSON.stringify(m.agenda), m.startedAt, m.endedAt]
		);
	}

	async endMeeting(id: string, at: number): Promise<void> {
		await this.query('UPDATE meetings SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL', [at, id]);
	}

	async getMeeting(id: string): Promise<MeetingRecord | null> {
		const [row] = await this.query('SELECT * FROM meetings WHERE id = $1', [id]);
		return row ? toMeeting(row) : null;
	}

	async listMeetings(practiceId: PracticeId): Promise<MeetingRecord[]> {
		return (await this.query('SELECT * FROM meetings WHERE practice_id = $1 ORDER BY started_at, id COLLATE "C"', [practiceId])).map(toMeeting);
	}

	async addMark(m: MarkRecord): Promise<void> {
		await this.query(
			`INSERT INTO marks (id, practice_id, board_id, kind, name, seq, at, meeting_id, created_by)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			[m.id, m.practiceId, m.boardId, m.kind, m.name, m.seq, m.at, m.meetingId, m.createdBy]
		);
	}

	async listMarks(practiceId: PracticeId, boardId?: string): Promise<MarkRecord[]> {
		const rows =
			boardId === undefined
				? await this.query('SELECT * FROM marks WHERE practice_id = $1 ORDER BY seq, at, id COLLATE "C"', [practiceId])
				: await this.query(
						'SELECT * FROM marks WHERE practice_id = $1 AND (board_id IS NULL OR board_id = $2) ORDER BY seq, at, id COLLATE "C"',
						[practiceId, boardId]
					);
		return rows.map(toMark);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.pool.end();
	}
}

async function migrate(client: Client, logger: Logger): Promise<void> {
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

async function insertInvites(c: PoolClient, practiceId: string, hashes: { participant: string; observer: string }): Promise<void> {
	await c.query(`INSERT INTO invites (token_hash, practice_id, role) VALUES ($1, $3, 'participant'), ($2, $3, 'observer')`, [
		hashes.participant,
		hashes.observer,
		practiceId
	]);
}

/**
 * Takes the documents' advisory locks for the rest of the transaction, in one
 * order everywhere (no deadlocks). Two documents may share a key (a hash):
 * that only serialises them.
 */
async function lockDocuments(c: PoolClient, docs: readonly string[]): Promise<void> {
	const keys = [...new Set(docs.map(documentKey))].sort((a, b) => a - b);
	await c.query('SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int[]) WITH ORDINALITY AS t(k, n) ORDER BY n', [
		LOCK_NAMESPACE,
		keys
	]);
}

/** FNV-1a over the UTF-16 code units, as a signed 32-bit integer. */
export function documentKey(doc: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < doc.length; i++) {
		hash ^= doc.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash | 0;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** `pg` returns BYTEA as a Buffer; callers get a plain Uint8Array, as from SQLite. */
function bytes(value: unknown): Uint8Array {
	const buffer = value as Buffer;
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

