import type { ScreenRecords, StoredScreen } from '../records.ts';
import { toScreen, type Row } from '../rows.ts';
import type { Connections } from './pool.ts';

/** A screen works while the member who paired it is an active facilitator (REC-23, REC-24). */
const ACTIVE_PAIRER = `JOIN members m ON m.id = s.paired_by AND m.removed_at IS NULL AND m.role = 'facilitator'`;

export class PostgresScreens implements ScreenRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async offer(screen: StoredScreen, codeHash: string, expiresAt: number): Promise<void> {
		await this.db.transaction(async (c) => {
			await c.query('DELETE FROM screens WHERE session_hash IS NULL AND (code_expires_at <= $1 OR (practice_id = $2 AND paired_by = $3))', [
				screen.createdAt,
				screen.practiceId,
				screen.pairedBy
			]);
			await c.query('INSERT INTO screens (id, practice_id, paired_by, code_hash, code_expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
				screen.id,
				screen.practiceId,
				screen.pairedBy,
				codeHash,
				expiresAt,
				screen.createdAt
			]);
		});
	}

	async pair(codeHash: string, now: number, sessionHash: string): Promise<StoredScreen | null> {
		// UPDATE … RETURNING takes the row lock: a concurrent use waits, then finds the code gone.
		const [row] = await this.db.query(
			`UPDATE screens s SET code_hash = NULL, code_expires_at = NULL, session_hash = $3, paired_at = $2
			 FROM members m
			 WHERE s.code_hash = $1 AND s.code_expires_at > $2 AND s.session_hash IS NULL
			   AND m.id = s.paired_by AND m.removed_at IS NULL AND m.role = 'facilitator'
			 RETURNING s.*`,
			[codeHash, now, sessionHash]
		);
		return row ? toScreen(row as Row) : null;
	}

	async findSession(sessionHash: string): Promise<StoredScreen | null> {
		const [row] = await this.db.query(`SELECT s.* FROM screens s ${ACTIVE_PAIRER} WHERE s.session_hash = $1`, [sessionHash]);
		return row ? toScreen(row) : null;
	}

	async list(practiceId: string): Promise<StoredScreen[]> {
		const rows = await this.db.query(
			`SELECT s.* FROM screens s ${ACTIVE_PAIRER} WHERE s.practice_id = $1 AND s.session_hash IS NOT NULL ORDER BY s.paired_at, s.id COLLATE "C"`,
			[practiceId]
		);
		return rows.map(toScreen);
	}

	async end(practiceId: string, id: string): Promise<boolean> {
		const rows = await this.db.query('DELETE FROM screens WHERE practice_id = $1 AND id = $2 RETURNING id', [practiceId, id]);
		return rows.length > 0;
	}
}
