import type { DotRefusal, StoredVote, VoteRecords, VoteTotal } from '../records.ts';
import { rankTotals, toVote } from '../rows.ts';
import type { Connections } from './pool.ts';

/**
 * Dot votes in PostgreSQL. Every dot and the close take the vote's row lock
 * (`FOR UPDATE`) first, so instances placing dots at the same moment queue
 * on it and none exceeds a limit or counts after the close (REC-19…21).
 */
export class PostgresVotes implements VoteRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async create(v: StoredVote): Promise<boolean> {
		const rows = await this.db.query(
			`INSERT INTO votes (id, practice_id, board_id, dots, per_note, started_at, ends_at, closed_at, result)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)
			 ON CONFLICT (practice_id, board_id) WHERE closed_at IS NULL DO NOTHING RETURNING id`,
			[v.id, v.practiceId, v.boardId, v.dots, v.perNote, v.startedAt, v.endsAt]
		);
		return rows.length === 1;
	}

	async get(id: string): Promise<StoredVote | null> {
		const [row] = await this.db.query('SELECT * FROM votes WHERE id = $1', [id]);
		return row ? toVote(row) : null;
	}

	async openOn(practiceId: string, boardId: string): Promise<StoredVote | null> {
		const [row] = await this.db.query('SELECT * FROM votes WHERE practice_id = $1 AND board_id = $2 AND closed_at IS NULL', [practiceId, boardId]);
		return row ? toVote(row) : null;
	}

	async open(): Promise<StoredVote[]> {
		return (await this.db.query('SELECT * FROM votes WHERE closed_at IS NULL ORDER BY started_at, id COLLATE "C"')).map(toVote);
	}

	async list(practiceId: string): Promise<StoredVote[]> {
		return (await this.db.query('SELECT * FROM votes WHERE practice_id = $1 ORDER BY started_at, id COLLATE "C"', [practiceId])).map(toVote);
	}

	async dot(voteId: string, memberId: string, noteId: string, delta: 1 | -1): Promise<DotRefusal | null> {
		return this.db.transaction(async (c) => {
			const { rows } = await c.query('SELECT dots, per_note, closed_at FROM votes WHERE id = $1 FOR UPDATE', [voteId]);
			const vote = rows[0] as { dots: number; per_note: number; closed_at: string | null } | undefined;
			if (!vote || vote.closed_at !== null) return 'closed';
			const mine = await c.query('SELECT note_id, count FROM vote_dots WHERE vote_id = $1 AND member_id = $2', [voteId, memberId]);
			const onNote = Number(mine.rows.find((r) => r.note_id === noteId)?.count ?? 0);
			if (delta < 0) {
				if (onNote <= 0) return 'not-placed';
				if (onNote === 1) await c.query('DELETE FROM vote_dots WHERE vote_id = $1 AND member_id = $2 AND note_id = $3', [voteId, memberId, noteId]);
				else await c.query('UPDATE vote_dots SET count = count - 1 WHERE vote_id = $1 AND member_id = $2 AND note_id = $3', [voteId, memberId, noteId]);
				return null;
			}
			const used = mine.rows.reduce((n, r) => n + Number(r.count), 0);
			if (used >= Number(vote.dots)) return 'no-dots-left';
			if (onNote >= Number(vote.per_note)) return 'note-full';
			await c.query(
				`INSERT INTO vote_dots (vote_id, member_id, note_id, count) VALUES ($1, $2, $3, 1)
				 ON CONFLICT (vote_id, member_id, note_id) DO UPDATE SET count = vote_dots.count + 1`,
				[voteId, memberId, noteId]
			);
			return null;
		});
	}

	async mine(voteId: string, memberId: string): Promise<Map<string, number>> {
		const rows = await this.db.query('SELECT note_id, count FROM vote_dots WHERE vote_id = $1 AND member_id = $2', [voteId, memberId]);
		return new Map(rows.map((r) => [r.note_id as string, Number(r.count)]));
	}

	async done(voteId: string): Promise<number> {
		const [row] = await this.db.query(
			`SELECT COUNT(*) AS n FROM (SELECT member_id FROM vote_dots WHERE vote_id = $1 GROUP BY member_id
			 HAVING SUM(count) >= (SELECT dots FROM votes WHERE id = $1)) AS full_members`,
			[voteId]
		);
		return Number(row.n);
	}

	async close(voteId: string, at: number, notes: readonly string[]): Promise<VoteTotal[] | null> {
		const result = await this.db.transaction(async (c) => {
			const { rows } = await c.query('SELECT closed_at FROM votes WHERE id = $1 FOR UPDATE', [voteId]);
			if (!rows[0] || rows[0].closed_at !== null) return null;
			const totals = await c.query('SELECT note_id, SUM(count) AS total FROM vote_dots WHERE vote_id = $1 GROUP BY note_id', [voteId]);
			const ranked = rankTotals(
				totals.rows.map((r) => [r.note_id as string, Number(r.total)] as const),
				notes
			);
			await c.query('UPDATE votes SET closed_at = $1, result = $2 WHERE id = $3', [at, JSON.stringify(ranked), voteId]);
			await c.query('DELETE FROM vote_dots WHERE vote_id = $1', [voteId]);
			return ranked;
		});
		// Who put which dot where is gone with the vote; the deleted rows' old versions go with a rewrite of the (small) table.
		if (result) await this.db.rewrite('vote_dots').catch(() => {});
		return result;
	}
}
