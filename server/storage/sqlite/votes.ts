import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { DotRefusal, StoredVote, VoteRecords, VoteTotal } from '../records.ts';
import { rankTotals, toVote, type Row } from '../rows.ts';
import { prepare, transaction } from './schema.ts';

/** Dot votes in SQLite: every check and change of a dot in one `BEGIN IMMEDIATE` transaction (REC-19…21). */
export class SqliteVotes implements VoteRecords {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		this.stmt = prepare(db, {
			openOn: 'SELECT * FROM votes WHERE practice_id = ? AND board_id = ? AND closed_at IS NULL',
			insert: `INSERT INTO votes (id, practice_id, board_id, dots, per_note, started_at, ends_at, closed_at, result)
				VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
			get: 'SELECT * FROM votes WHERE id = ?',
			open: 'SELECT * FROM votes WHERE closed_at IS NULL ORDER BY started_at, id',
			list: 'SELECT * FROM votes WHERE practice_id = ? ORDER BY started_at, id',
			used: 'SELECT COALESCE(SUM(count), 0) AS n FROM vote_dots WHERE vote_id = ? AND member_id = ?',
			onNote: 'SELECT count FROM vote_dots WHERE vote_id = ? AND member_id = ? AND note_id = ?',
			add: `INSERT INTO vote_dots (vote_id, member_id, note_id, count) VALUES (?, ?, ?, 1)
				ON CONFLICT (vote_id, member_id, note_id) DO UPDATE SET count = count + 1`,
			take: 'UPDATE vote_dots SET count = count - 1 WHERE vote_id = ? AND member_id = ? AND note_id = ?',
			dropEmpty: 'DELETE FROM vote_dots WHERE vote_id = ? AND member_id = ? AND note_id = ? AND count <= 0',
			mine: 'SELECT note_id, count FROM vote_dots WHERE vote_id = ? AND member_id = ?',
			done: `SELECT COUNT(*) AS n FROM (SELECT member_id FROM vote_dots WHERE vote_id = ?1 GROUP BY member_id
				HAVING SUM(count) >= (SELECT dots FROM votes WHERE id = ?1))`,
			totals: 'SELECT note_id, SUM(count) AS total FROM vote_dots WHERE vote_id = ? GROUP BY note_id',
			close: 'UPDATE votes SET closed_at = ?, result = ? WHERE id = ? AND closed_at IS NULL',
			dropDots: 'DELETE FROM vote_dots WHERE vote_id = ?'
		});
	}

	async create(v: StoredVote): Promise<boolean> {
		return transaction(this.db, () => {
			if (this.stmt.openOn.get(v.practiceId, v.boardId)) return false;
			this.stmt.insert.run(v.id, v.practiceId, v.boardId, v.dots, v.perNote, v.startedAt, v.endsAt);
			return true;
		});
	}

	async get(id: string): Promise<StoredVote | null> {
		const row = this.stmt.get.get(id) as Row | undefined;
		return row ? toVote(row) : null;
	}

	async openOn(practiceId: string, boardId: string): Promise<StoredVote | null> {
		const row = this.stmt.openOn.get(practiceId, boardId) as Row | undefined;
		return row ? toVote(row) : null;
	}

	async open(): Promise<StoredVote[]> {
		return (this.stmt.open.all() as Row[]).map(toVote);
	}

	async list(practiceId: string): Promise<StoredVote[]> {
		return (this.stmt.list.all(practiceId) as Row[]).map(toVote);
	}

	async dot(voteId: string, memberId: string, noteId: string, delta: 1 | -1): Promise<DotRefusal | null> {
		return transaction(this.db, () => {
			const row = this.stmt.get.get(voteId) as Row | undefined;
			if (!row || row.closed_at !== null) return 'closed';
			const vote = toVote(row);
			const onNote = Number((this.stmt.onNote.get(voteId, memberId, noteId) as Row | undefined)?.count ?? 0);
			if (delta < 0) {
				if (onNote <= 0) return 'not-placed';
				this.stmt.take.run(voteId, memberId, noteId);
				this.stmt.dropEmpty.run(voteId, memberId, noteId);
				return null;
			}
			if (Number((this.stmt.used.get(voteId, memberId) as Row).n) >= vote.dots) return 'no-dots-left';
			if (onNote >= vote.perNote) return 'note-full';
			this.stmt.add.run(voteId, memberId, noteId);
			return null;
		});
	}

	async mine(voteId: string, memberId: string): Promise<Map<string, number>> {
		return new Map((this.stmt.mine.all(voteId, memberId) as Row[]).map((r) => [r.note_id as string, Number(r.count)]));
	}

	async done(voteId: string): Promise<number> {
		return Number((this.stmt.done.get(voteId) as Row).n);
	}

	async close(voteId: string, at: number, notes: readonly string[]): Promise<VoteTotal[] | null> {
		return transaction(this.db, () => {
			const row = this.stmt.get.get(voteId) as Row | undefined;
			if (!row || row.closed_at !== null) return null;
			const totals = (this.stmt.totals.all(voteId) as Row[]).map((r) => [r.note_id as string, Number(r.total)] as const);
			const result = rankTotals(totals, notes);
			this.stmt.close.run(at, JSON.stringify(result), voteId);
			// Who put which dot where is gone with the vote: only the totals stay (secure_delete overwrites the pages).
			this.stmt.dropDots.run(voteId);
			return result;
		});
	}
}
