import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MemberId, PracticeId } from '../../src/lib/domain/ids.ts';
import type { Role } from '../../src/lib/domain/practice.ts';
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
import type { Visibility } from '../../src/lib/domain/visibility.ts';

const SCHEMA = `
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
const MIGRATIONS = [
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
	 CREATE INDEX IF NOT EXISTS device_sessions_member ON device_sessions(member_id);`
];


export interface SqliteOptions {
	/** `FULL` (default) fsyncs every commit; `NORMAL` survives a killed process but not a power cut. */
	readonly synchronous?: 'FULL' | 'NORMAL';
}

/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite`.
 * Calls are synchronous underneath; transactions are short and explicit.
 */
export class SqliteStorage implements Storage {
	readonly kind = 'sqlite';
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(file: string, options: SqliteOptions = {}) {
		if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
		this.db = new DatabaseSync(file);
		// secure_delete: erased notes are overwritten on disk, not left in free pages.
		this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'};
			PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;`);
		this.db.exec(SCHEMA);
		const version = Number((this.db.prepare('PRAGMA user_version').get() as Row).user_version);
		for (let v = version; v < MIGRATIONS.length; v++) {
			this.transaction(() => {
				this.db.exec(MIGRATIONS[v]);
				this.db.exec(`PRAGMA user_version = ${v + 1}`);
			});
		}
		const p = (sql: string) => this.db.prepare(sql);
		this.stmt = {
			insertPractice: p(`INSERT INTO practices (id, name, framework, created_at, participant_invite, observer_invite, default_visibility)
				VALUES (?, ?, ?, ?, ?, ?, ?)`),
			insertInvite: p('INSERT INTO invites (token_hash, practice_id, role) VALUES (?, ?, ?)'),
			getPractice: p('SELECT * FROM practices WHERE id = ?'),
			findInvite: p('SELECT practice_id, role FROM invites WHERE token_hash = ?'),
			insertMember: p(`INSERT INTO members (id, practice_id, name, role, session_hash, created_at, had_lane)
				VALUES (?, ?, ?, ?, ?, ?, ?)`),
			findSession: p(`SELECT * FROM members WHERE session_hash = ?1 AND removed_at IS NULL
				UNION ALL SELECT m.* FROM device_sessions s JOIN members m ON m.id = s.member_id
				WHERE s.session_hash = ?1 AND m.removed_at IS NULL LIMIT 1`),
			dropExpiredCodes: p('DELETE FROM device_codes WHERE expires_at <= ?'),
			dropMemberCodes: p('DELETE FROM device_codes WHERE member_id = ?'),
			dropMemberSessions: p('DELETE FROM device_sessions WHERE member_id = ?'),
			insertCode: p('INSERT INTO device_codes (code_hash, member_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
			findCode: p(`SELECT m.*, c.expires_at AS code_expires_at FROM device_codes c JOIN members m ON m.id = c.member_id
				WHERE c.code_hash = ? AND c.expires_at > ? AND m.removed_at IS NULL`),
			deleteCode: p('DELETE FROM device_codes WHERE code_hash = ?'),
			insertDeviceSession: p('INSERT INTO device_sessions (session_hash, member_id, created_at) VALUES (?, ?, ?)'),
			getMember: p('SELECT * FROM members WHERE id = ?'),
			listMembers: p('SELECT * FROM members WHERE practice_id = ? AND removed_at IS NULL ORDER BY created_at, id'),
			renameMember: p('UPDATE members SET name = ? WHERE id = ?'),
			setRole: p("UPDATE members SET role = ?1, had_lane = CASE WHEN ?1 != 'observer' THEN 1 ELSE had_lane END WHERE id = ?2"),
			removeMember: p('UPDATE members SET removed_at = ? WHERE id = ?'),
			setInvites: p('UPDATE practices SET participant_invite = ?, observer_invite = ? WHERE id = ?'),
			deleteInvites: p('DELETE FROM invites WHERE practice_id = ?'),
			setDefaultVisibility: p('UPDATE practices SET default_visibility = ? WHERE id = ?'),
			anonLinks: p('SELECT anon_id, source_note FROM anonymous_notes WHERE source_doc = ?'),
			linkAnon: p('INSERT OR REPLACE INTO anonymous_notes (anon_id, source_doc, source_note) VALUES (?, ?, ?)'),
			unlinkAnon: p('DELETE FROM anonymous_notes WHERE anon_id = ?'),
			unlinkAnonSource: p('DELETE FROM anonymous_notes WHERE source_doc = ?'),
			insertRound: p(`INSERT INTO rounds (id, practice_id, board_id, started_at, ends_at, revealed_at)
				VALUES (?, ?, ?, ?, ?, ?)`),
			revealRound: p('UPDATE rounds SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL'),
			openRounds: p('SELECT * FROM rounds WHERE revealed_at IS NULL'),
			deleteUpdates: p('DELETE FROM updates WHERE doc = ?'),
			forgetAuthor: p('UPDATE updates SET member_id = NULL WHERE member_id = ?'),
			dropLane: p('UPDATE members SET had_lane = 0 WHERE id = ?'),
			deleteCheckpoints: p('DELETE FROM checkpoints WHERE doc = ?'),
			insertUpdate: p('INSERT INTO updates (doc, data, at, member_id) VALUES (?, ?, ?, ?)'),
			lastCheckpoint: p('SELECT seq, state FROM checkpoints WHERE doc = ? ORDER BY seq DESC LIMIT 1'),
			updatesAfter: p('SELECT seq, data FROM updates WHERE doc = ? AND seq > ? ORDER BY seq'),
			insertCheckpoint: p('INSERT OR REPLACE INTO checkpoints (doc, seq, state) VALUES (?, ?, ?)'),
			countSince: p('SELECT COUNT(*) AS n FROM updates WHERE doc = ? AND seq > ?'),
			lastSeq: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates WHERE doc = ?'),
			headSeq: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates'),
			checkpointAt: p('SELECT seq, state FROM checkpoints WHERE doc = ? AND seq <= ? ORDER BY seq DESC LIMIT 1'),
			updatesIn: p('SELECT seq, data FROM updates WHERE doc = ? AND seq > ? AND seq <= ? ORDER BY seq'),
			insertMeeting: p(`INSERT INTO meetings (id, practice_id, title, date, agenda, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			endMeeting: p('UPDATE meetings SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
			getMeeting: p('SELECT * FROM meetings WHERE id = ?'),
			listMeetings: p('SELECT * FROM meetings WHERE practice_id = ? ORDER BY started_at, id'),
			insertMark: p(`INSERT INTO marks (id, practice_id, board_id, kind, name, seq, at, meeting_id, created_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			listMarks: p('SELECT * FROM marks WHERE practice_id = ? ORDER BY seq, at, id'),
			listBoardMarks: p('SELECT * FROM marks WHERE practice_id = ? AND (board_id IS NULL OR board_id = ?) ORDER BY seq, at, id'),
			forgetMarkAuthor: p('UPDATE marks SET created_by = NULL WHERE created_by = ?'),
			versionUpdates: p('SELECT COALESCE(MAX(seq), 0) AS seq, COUNT(*) AS n FROM updates WHERE doc = ? AND seq <= ?'),
			versionCheckpoint: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM checkpoints WHERE doc = ? AND seq <= ?'),
			visits: p('SELECT board_id, seq FROM visits WHERE member_id = ?'),
			markVisit: p(`INSERT INTO visits (member_id, board_id, seq, at) VALUES (?1, ?2, ?3, ?4)
				ON CONFLICT (member_id, board_id) DO UPDATE SET seq = MAX(seq, excluded.seq), at = excluded.at`),
			forgetVisits: p('DELETE FROM visits WHERE member_id = ?')
		};
	}

	private transaction<T>(fn: () => T): T {
		this.db.exec('BEGIN IMMEDIATE');
		try {
			const result = fn();
			this.db.exec('COMMIT');
			return result;
		} catch (error) {
			this.db.exec('ROLLBACK');
			throw error;
		}
	}

	async createPractice(practice: PracticeRecord, inviteHashes: { participant: string; observer: string }): Promise<void> {
		this.transaction(() => {
			this.stmt.insertPractice.run(
				practice.id,
				practice.name,
				JSON.stringify(practice.framework),
				practice.createdAt,
				practice.participantInvite,
				practice.observerInvite,
				practice.defaultVisibility
			);
			this.stmt.insertInvite.run(inviteHashes.participant, practice.id, 'participant');
			this.stmt.insertInvite.run(inviteHashes.observer, practice.id, 'observer');
		});
	}

	async getPractice(id: PracticeId): Promise<PracticeRecord | null> {
		const row = this.stmt.getPractice.get(id) as Row | undefined;
		if (!row) return null;
		return toPractice(row);
	}

	async findInvite(tokenHash: string) {
		const row = this.stmt.findInvite.get(tokenHash) as Row | undefined;
		return row ? { practiceId: row.practice_id as PracticeId, role: row.role as 'participant' | 'observer' } : null;
	}

	async addMember(member: MemberRecord, sessionHash: string): Promise<void> {
		this.stmt.insertMember.run(
			member.id,
			member.practiceId,
			member.name,
			member.role,
			sessionHash,
			member.createdAt,
			member.role === 'observer' ? 0 : 1
		);
	}

	async findSession(sessionHash: string): Promise<MemberRecord | null> {
		return toMember(this.stmt.findSession.get(sessionHash) as Row | undefined);
	}

	async getMember(id: MemberId): Promise<MemberRecord | null> {
		return toMember(this.stmt.getMember.get(id) as Row | undefined);
	}

	async listMembers(practiceId: PracticeId): Promise<MemberRecord[]> {
		return (this.stmt.listMembers.all(practiceId) as Row[]).map((r) => toMember(r)!);
	}

	async updateMember(id: MemberId, change: { name?: string; role?: Role }): Promise<void> {
		this.transaction(() => {
			if (change.name !== undefined) this.stmt.renameMember.run(change.name, id);
			if (change.role !== undefined) this.stmt.setRole.run(change.role, id);
		});
	}

	async removeMember(id: MemberId, at: number): Promise<void> {
		this.transaction(() => {
			this.stmt.removeMember.run(at, id);
			this.stmt.dropMemberCodes.run(id);
			this.stmt.dropMemberSessions.run(id);
		});
	}

	async saveDeviceCode(code: DeviceCodeRecord): Promise<void> {
		this.transaction(() => {
			this.stmt.dropExpiredCodes.run(code.createdAt);
			this.stmt.dropMemberCodes.run(code.memberId);
			this.stmt.insertCode.run(code.codeHash, code.memberId, code.createdAt, code.expiresAt);
		});
	}

	async findDeviceCode(codeHash: string, now: number) {
		const row = this.stmt.findCode.get(codeHash, now) as Row | undefined;
		return row ? { member: toMember(row)!, expiresAt: Number(row.code_expires_at) } : null;
	}

	async redeemDeviceCode(codeHash: string, now: number, sessionHash: string): Promise<MemberRecord | null> {
		return this.transaction(() => {
			const row = this.stmt.findCode.get(codeHash, now) as Row | undefined;
			if (!row) return null;
			this.stmt.deleteCode.run(codeHash);
			this.stmt.insertDeviceSession.run(sessionHash, row.id as string, now);
			return toMember(row);
		});
	}

	async revokeDeviceCodes(memberId: MemberId): Promise<void> {
		this.stmt.dropMemberCodes.run(memberId);
	}

	async renewInvites(
		practiceId: PracticeId,
		tokens: { participant: string; observer: string },
		hashes: { participant: string; observer: string }
	): Promise<void> {
		this.transaction(() => {
			this.stmt.deleteInvites.run(practiceId);
			this.stmt.setInvites.run(tokens.participant, tokens.observer, practiceId);
			this.stmt.insertInvite.run(hashes.participant, practiceId, 'participant');
			this.stmt.insertInvite.run(hashes.observer, practiceId, 'observer');
		});
	}

	async setDefaultVisibility(practiceId: PracticeId, visibility: Visibility): Promise<void> {
		this.stmt.setDefaultVisibility.run(visibility, practiceId);
	}

	async anonymousLinks(sourceDoc: string) {
		return (this.stmt.anonLinks.all(sourceDoc) as Row[]).map((r) => ({
			anonId: r.anon_id as string,
			noteId: r.source_note as string
		}));
	}

	async linkAnonymous(anonId: string, sourceDoc: string, noteId: string): Promise<void> {
		this.stmt.linkAnon.run(anonId, sourceDoc, noteId);
	}

	async unlinkAnonymous(anonIds: readonly string[]): Promise<void> {
		this.transaction(() => anonIds.forEach((id) => this.stmt.unlinkAnon.run(id)));
	}

	async unlinkAnonymousSources(sourceDocs: readonly string[]): Promise<void> {
		this.transaction(() => sourceDocs.forEach((doc) => this.stmt.unlinkAnonSource.run(doc)));
	}

	async createRound(r: RoundRecord): Promise<void> {
		this.stmt.insertRound.run(r.id, r.practiceId, r.boardId, r.startedAt, r.endsAt, r.revealedAt);
	}

	async revealRound(id: string, at: number): Promise<void> {
		this.stmt.revealRound.run(at, id);
	}

	async openRounds(): Promise<RoundRecord[]> {
		return (this.stmt.openRounds.all() as Row[]).map(toRound);
	}

	async forgetMember(id: MemberId): Promise<void> {
		this.transaction(() => {
			this.stmt.renameMember.run('', id);
			this.stmt.forgetAuthor.run(id);
			this.stmt.forgetMarkAuthor.run(id);
			this.stmt.forgetVisits.run(id);
			this.stmt.dropLane.run(id);
		});
	}

	async eraseHistory(entries: readonly { doc: string; state: Uint8Array }[]): Promise<void> {
		this.transaction(() => {
			for (const { doc, state } of entries) {
				const seq = Number((this.stmt.lastSeq.get(doc) as Row).seq);
				this.stmt.deleteUpdates.run(doc);
				this.stmt.deleteCheckpoints.run(doc);
				this.stmt.insertCheckpoint.run(doc, seq, state);
			}
		});
		// Move everything out of the write-ahead log, rewrite the file without free pages, truncate the log.
		this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
		this.db.exec('VACUUM');
		this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
	}

	async appendUpdates(batch: readonly LoggedUpdate[]): Promise<void> {
		if (batch.length === 0) return;
		this.transaction(() => {
			for (const u of batch) this.stmt.insertUpdate.run(u.doc, u.update, u.at, u.memberId);
		});
	}

	async loadDocument(doc: string): Promise<StoredDocument> {
		const cp = this.stmt.lastCheckpoint.get(doc) as Row | undefined;
		const checkpointSeq = cp ? Number(cp.seq) : 0;
		const rows = this.stmt.updatesAfter.all(doc, checkpointSeq) as Row[];
		return {
			checkpoint: cp ? (cp.state as Uint8Array) : null,
			checkpointSeq,
			updates: rows.map((r) => r.data as Uint8Array),
			lastSeq: rows.length ? Number(rows[rows.length - 1].seq) : checkpointSeq
		};
	}

	async documentSize(doc: string): Promise<DocumentSize> {
		const cp = this.db.prepare('SELECT seq, LENGTH(state) AS n FROM checkpoints WHERE doc = ? ORDER BY seq DESC LIMIT 1').get(doc) as Row | undefined;
		const sum = 'SELECT COALESCE(SUM(LENGTH(data)), 0) AS n FROM updates WHERE doc = ? AND seq > ?';
		const since = this.db.prepare(sum).get(doc, cp ? Number(cp.seq) : 0) as Row;
		const all = this.db.prepare(sum).get(doc, 0) as Row;
		return { checkpointBytes: cp ? Number(cp.n) : 0, logBytesSinceCheckpoint: Number(since.n), logBytes: Number(all.n) };
	}

	async writeCheckpoint(doc: string, seq: number, state: Uint8Array): Promise<void> {
		this.stmt.insertCheckpoint.run(doc, seq, state);
	}

	async countUpdatesSince(doc: string, seq: number): Promise<number> {
		return Number((this.stmt.countSince.get(doc, seq) as Row).n);
	}

	async lastSeq(doc: string): Promise<number> {
		return Number((this.stmt.lastSeq.get(doc) as Row).seq);
	}

	async headSeq(): Promise<number> {
		return Number((this.stmt.headSeq.get() as Row).seq);
	}

	async historyOf(docs: readonly string[], range: { after?: number; upTo?: number } = {}): Promise<HistoryEntry[]> {
		if (docs.length === 0) return [];
		const rows = this.db
			.prepare(
				`SELECT seq, doc, at, member_id FROM updates
				 WHERE doc IN (${docs.map(() => '?').join(', ')}) AND seq > ? AND seq <= ? ORDER BY seq`
			)
			.all(...docs, range.after ?? 0, range.upTo ?? Number.MAX_SAFE_INTEGER) as Row[];
		return rows.map(toHistoryEntry);
	}

	async stateAt(doc: string, seq: number): Promise<StateAt> {
		// Synchronous calls on one connection: nothing can commit between the two reads.
		const cp = this.stmt.checkpointAt.get(doc, seq) as Row | undefined;
		const checkpointSeq = cp ? Number(cp.seq) : 0;
		const rows = this.stmt.updatesIn.all(doc, checkpointSeq, seq) as Row[];
		return {
			checkpoint: cp ? (cp.state as Uint8Array) : null,
			checkpointSeq,
			updates: rows.map((r) => ({ seq: Number(r.seq), data: r.data as Uint8Array }))
		};
	}

	async updatesBetween(docs: readonly string[], after: number, upTo: number) {
		if (docs.length === 0) return [];
		const rows = this.db
			.prepare(
				`SELECT seq, doc, at, member_id, data FROM updates
				 WHERE doc IN (${docs.map(() => '?').join(', ')}) AND seq > ? AND seq <= ? ORDER BY seq`
			)
			.all(...docs, after, upTo) as Row[];
		return rows.map((r) => ({ ...toHistoryEntry(r), data: r.data as Uint8Array }));
	}

	async versionAt(doc: string, seq: number): Promise<{ seq: number; count: number }> {
		const updates = this.stmt.versionUpdates.get(doc, seq) as Row;
		const checkpoint = this.stmt.versionCheckpoint.get(doc, seq) as Row;
		return { seq: Math.max(Number(updates.seq), Number(checkpoint.seq)), count: Number(updates.n) };
	}

	async visits(memberId: MemberId): Promise<Map<string, number>> {
		return new Map((this.stmt.visits.all(memberId) as Row[]).map((r) => [r.board_id as string, Number(r.seq)]));
	}

	async markVisit(memberId: MemberId, boardId: string, seq: number, at: number): Promise<void> {
		this.stmt.markVisit.run(memberId, boardId, seq, at);
	}

	async createMeeting(m: MeetingRecord): Promise<void> {
		this.stmt.insertMeeting.run(m.id, m.practiceId, m.title, m.date, JSON.stringify(m.agenda), m.startedAt, m.endedAt);
	}

	async endMeeting(id: string, at: number): Promise<void> {
		this.stmt.endMeeting.run(at, id);
	}

	async getMeeting(id: string): Promise<MeetingRecord | null> {
		const row = this.stmt.getMeeting.get(id) as Row | undefined;
		return row ? toMeeting(row) : null;
	}

	async listMeetings(practiceId: PracticeId): Promise<MeetingRecord[]> {
		return (this.stmt.listMeetings.all(practiceId) as Row[]).map(toMeeting);
	}

	async addMark(m: MarkRecord): Promise<void> {
		this.stmt.insertMark.run(m.id, m.practiceId, m.boardId, m.kind, m.name, m.seq, m.at, m.meetingId, m.createdBy);
	}

	async listMarks(practiceId: PracticeId, boardId?: string): Promise<MarkRecord[]> {
		const rows = boardId === undefined ? this.stmt.listMarks.all(practiceId) : this.stmt.listBoardMarks.all(practiceId, boardId);
		return (rows as Row[]).map(toMark);
	}

	async close(): Promise<void> {
		if (this.db.isOpen) this.db.close();
	}
}

