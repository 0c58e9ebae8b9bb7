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
import { toMark, toMeeting, toRound } from '../rows.ts';
import type { Connections } from './pool.ts';
import { PostgresDeviceCodes, PostgresMembers, PostgresPractices } from './members.ts';
import { PostgresVotes } from './votes.ts';
import { PostgresScreens } from './screens.ts';

/** Every record store of one PostgreSQL database. */
export function postgresRecords(db: Connections): Records {
	return {
		practices: new PostgresPractices(db),
		members: new PostgresMembers(db),
		deviceCodes: new PostgresDeviceCodes(db),
		screens: new PostgresScreens(db),
		anonymousLinks: new PostgresAnonymousLinks(db),
		rounds: new PostgresRounds(db),
		votes: new PostgresVotes(db),
		meetings: new PostgresMeetings(db),
		marks: new PostgresMarks(db),
		visits: new PostgresVisits(db)
	};
}

class PostgresAnonymousLinks implements AnonymousLinks {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async of(sourceDoc: string) {
		const rows = await this.db.query('SELECT anon_id, source_note FROM anonymous_notes WHERE source_doc = $1', [sourceDoc]);
		return rows.map((r) => ({ anonId: r.anon_id as string, noteId: r.source_note as string }));
	}

	async claim(anonId: string, sourceDoc: string, noteId: string): Promise<string> {
		// The unique (source_doc, source_note) decides between concurrent claims; the loser reads the winner's id.
		await this.db.query('INSERT INTO anonymous_notes (anon_id, source_doc, source_note) VALUES ($1, $2, $3) ON CONFLICT (source_doc, source_note) DO NOTHING', [
			anonId,
			sourceDoc,
			noteId
		]);
		const [row] = await this.db.query('SELECT anon_id FROM anonymous_notes WHERE source_doc = $1 AND source_note = $2', [sourceDoc, noteId]);
		return row.anon_id as string;
	}

	async unlink(anonIds: readonly string[]): Promise<void> {
		if (anonIds.length === 0) return;
		await this.db.query('DELETE FROM anonymous_notes WHERE anon_id = ANY($1::text[])', [[...anonIds]]);
	}

	async unlinkSources(sourceDocs: readonly string[]): Promise<void> {
		if (sourceDocs.length === 0) return;
		await this.db.query('DELETE FROM anonymous_notes WHERE source_doc = ANY($1::text[])', [[...sourceDocs]]);
	}
}

class PostgresRounds implements RoundRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async create(r: StoredRound): Promise<void> {
		await this.db.query(
			`INSERT INTO rounds (id, practice_id, board_id, started_at, ends_at, revealed_at)
			 VALUES ($1, $2, $3, $4, $5, $6)`,
			[r.id, r.practiceId, r.boardId, r.startedAt, r.endsAt, r.revealedAt]
		);
	}

	async reveal(id: string, at: number): Promise<void> {
		await this.db.query('UPDATE rounds SET revealed_at = $1 WHERE id = $2 AND revealed_at IS NULL', [at, id]);
	}

	async open(): Promise<StoredRound[]> {
		const rows = await this.db.query('SELECT * FROM rounds WHERE revealed_at IS NULL ORDER BY started_at, id COLLATE "C"');
		return rows.map(toRound);
	}
}

class PostgresMeetings implements MeetingRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async create(m: StoredMeeting): Promise<void> {
		await this.db.query(
			'INSERT INTO meetings (id, practice_id, title, date, agenda, started_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
			[m.id, m.practiceId, m.title, m.date, JSON.stringify(m.agenda), m.startedAt, m.endedAt]
		);
	}

	async end(id: string, at: number): Promise<void> {
		await this.db.query('UPDATE meetings SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL', [at, id]);
	}

	async get(id: string): Promise<StoredMeeting | null> {
		const [row] = await this.db.query('SELECT * FROM meetings WHERE id = $1', [id]);
		return row ? toMeeting(row) : null;
	}

	async list(practiceId: string): Promise<StoredMeeting[]> {
		const rows = await this.db.query('SELECT * FROM meetings WHERE practice_id = $1 ORDER BY started_at, id COLLATE "C"', [practiceId]);
		return rows.map(toMeeting);
	}
}

class PostgresMarks implements MarkRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async add(m: StoredMark): Promise<void> {
		await this.db.query(
			`INSERT INTO marks (id, practice_id, board_id, kind, name, seq, at, meeting_id, created_by)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			[m.id, m.practiceId, m.boardId, m.kind, m.name, m.seq, m.at, m.meetingId, m.createdBy]
		);
	}

	async list(practiceId: string, boardId?: string): Promise<StoredMark[]> {
		const rows =
			boardId === undefined
				? await this.db.query('SELECT * FROM marks WHERE practice_id = $1 ORDER BY seq, at, id COLLATE "C"', [practiceId])
				: await this.db.query(
						'SELECT * FROM marks WHERE practice_id = $1 AND (board_id IS NULL OR board_id = $2) ORDER BY seq, at, id COLLATE "C"',
						[practiceId, boardId]
					);
		return rows.map(toMark);
	}
}

class PostgresVisits implements VisitRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async of(memberId: string): Promise<Map<string, number>> {
		const rows = await this.db.query('SELECT board_id, seq FROM visits WHERE member_id = $1', [memberId]);
		return new Map(rows.map((r) => [r.board_id as string, Number(r.seq)]));
	}

	async mark(memberId: string, boardId: string, seq: number, at: number): Promise<void> {
		await this.db.query(
			`INSERT INTO visits (member_id, board_id, seq, at) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (member_id, board_id) DO UPDATE SET seq = GREATEST(visits.seq, EXCLUDED.seq), at = EXCLUDED.at`,
			[memberId, boardId, seq, at]
		);
	}
}
