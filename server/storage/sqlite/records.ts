import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
	AnonymousLinks,
	MarkRecords,
	MeetingRecords,
	Records,
	RoundRecords,
	StoredMark,
	StoredMeeting,
	StoredRound,
	VisitRecords
} from '../records.ts';
import { toMark, toMeeting, toRound, type Row } from '../rows.ts';
import { prepare, transaction } from './schema.ts';
import { SqliteDeviceCodes, SqliteMembers, SqlitePractices } from './members.ts';
import { SqliteVotes } from './votes.ts';
import { SqliteScreens } from './screens.ts';

/** Every record store of one SQLite database. */
export function sqliteRecords(db: DatabaseSync): Records {
	return {
		practices: new SqlitePractices(db),
		members: new SqliteMembers(db),
		deviceCodes: new SqliteDeviceCodes(db),
		screens: new SqliteScreens(db),
		anonymousLinks: new SqliteAnonymousLinks(db),
		rounds: new SqliteRounds(db),
		votes: new SqliteVotes(db),
		meetings: new SqliteMeetings(db),
		marks: new SqliteMarks(db),
		visits: new SqliteVisits(db)
	};
}

class SqliteAnonymousLinks implements AnonymousLinks {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		this.stmt = prepare(db, {
			of: 'SELECT anon_id, source_note FROM anonymous_notes WHERE source_doc = ?',
			claim: 'INSERT INTO anonymous_notes (anon_id, source_doc, source_note) VALUES (?, ?, ?) ON CONFLICT (source_doc, source_note) DO NOTHING',
			claimed: 'SELECT anon_id FROM anonymous_notes WHERE source_doc = ? AND source_note = ?',
			unlink: 'DELETE FROM anonymous_notes WHERE anon_id = ?',
			unlinkSource: 'DELETE FROM anonymous_notes WHERE source_doc = ?'
		});
	}

	async of(sourceDoc: string) {
		return (this.stmt.of.all(sourceDoc) as Row[]).map((r) => ({ anonId: r.anon_id as string, noteId: r.source_note as string }));
	}

	async claim(anonId: string, sourceDoc: string, noteId: string): Promise<string> {
		return transaction(this.db, () => {
			this.stmt.claim.run(anonId, sourceDoc, noteId);
			return (this.stmt.claimed.get(sourceDoc, noteId) as Row).anon_id as string;
		});
	}

	async unlink(anonIds: readonly string[]): Promise<void> {
		transaction(this.db, () => anonIds.forEach((id) => this.stmt.unlink.run(id)));
	}

	async unlinkSources(sourceDocs: readonly string[]): Promise<void> {
		transaction(this.db, () => sourceDocs.forEach((doc) => this.stmt.unlinkSource.run(doc)));
	}
}

class SqliteRounds implements RoundRecords {
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.stmt = prepare(db, {
			insert: 'INSERT INTO rounds (id, practice_id, board_id, started_at, ends_at, revealed_at) VALUES (?, ?, ?, ?, ?, ?)',
			reveal: 'UPDATE rounds SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL',
			open: 'SELECT * FROM rounds WHERE revealed_at IS NULL'
		});
	}

	async create(r: StoredRound): Promise<void> {
		this.stmt.insert.run(r.id, r.practiceId, r.boardId, r.startedAt, r.endsAt, r.revealedAt);
	}

	async reveal(id: string, at: number): Promise<void> {
		this.stmt.reveal.run(at, id);
	}

	async open(): Promise<StoredRound[]> {
		return (this.stmt.open.all() as Row[]).map(toRound);
	}
}

class SqliteMeetings implements MeetingRecords {
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.stmt = prepare(db, {
			insert: 'INSERT INTO meetings (id, practice_id, title, date, agenda, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
			end: 'UPDATE meetings SET ended_at = ? WHERE id = ? AND ended_at IS NULL',
			get: 'SELECT * FROM meetings WHERE id = ?',
			list: 'SELECT * FROM meetings WHERE practice_id = ? ORDER BY started_at, id'
		});
	}

	async create(m: StoredMeeting): Promise<void> {
		this.stmt.insert.run(m.id, m.practiceId, m.title, m.date, JSON.stringify(m.agenda), m.startedAt, m.endedAt);
	}

	async end(id: string, at: number): Promise<void> {
		this.stmt.end.run(at, id);
	}

	async get(id: string): Promise<StoredMeeting | null> {
		const row = this.stmt.get.get(id) as Row | undefined;
		return row ? toMeeting(row) : null;
	}

	async list(practiceId: string): Promise<StoredMeeting[]> {
		return (this.stmt.list.all(practiceId) as Row[]).map(toMeeting);
	}
}

class SqliteMarks implements MarkRecords {
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.stmt = prepare(db, {
			insert: `INSERT INTO marks (id, practice_id, board_id, kind, name, seq, at, meeting_id, created_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			list: 'SELECT * FROM marks WHERE practice_id = ? ORDER BY seq, at, id',
			listBoard: 'SELECT * FROM marks WHERE practice_id = ? AND (board_id IS NULL OR board_id = ?) ORDER BY seq, at, id'
		});
	}

	async add(m: StoredMark): Promise<void> {
		this.stmt.insert.run(m.id, m.practiceId, m.boardId, m.kind, m.name, m.seq, m.at, m.meetingId, m.createdBy);
	}

	async list(practiceId: string, boardId?: string): Promise<StoredMark[]> {
		const rows = boardId === undefined ? this.stmt.list.all(practiceId) : this.stmt.listBoard.all(practiceId, boardId);
		return (rows as Row[]).map(toMark);
	}
}

class SqliteVisits implements VisitRecords {
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.stmt = prepare(db, {
			of: 'SELECT board_id, seq FROM visits WHERE member_id = ?',
			mark: `INSERT INTO visits (member_id, board_id, seq, at) VALUES (?1, ?2, ?3, ?4)
				ON CONFLICT (member_id, board_id) DO UPDATE SET seq = MAX(seq, excluded.seq), at = excluded.at`
		});
	}

	async of(memberId: string): Promise<Map<string, number>> {
		return new Map((this.stmt.of.all(memberId) as Row[]).map((r) => [r.board_id as string, Number(r.seq)]));
	}

	async mark(memberId: string, boardId: string, seq: number, at: number): Promise<void> {
		this.stmt.mark.run(memberId, boardId, seq, at);
	}
}
