import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ScreenRecords, StoredScreen } from '../records.ts';
import { toScreen, type Row } from '../rows.ts';
import { prepare, transaction } from './schema.ts';

/** A screen works while the member who paired it is an active facilitator (REC-23, REC-24). */
const ACTIVE_PAIRER = `JOIN members m ON m.id = s.paired_by AND m.removed_at IS NULL AND m.role = 'facilitator'`;

export class SqliteScreens implements ScreenRecords {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		this.stmt = prepare(db, {
			dropWaiting: `DELETE FROM screens WHERE session_hash IS NULL AND (code_expires_at <= ? OR (practice_id = ? AND paired_by = ?))`,
			insert: `INSERT INTO screens (id, practice_id, paired_by, code_hash, code_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			waiting: `SELECT s.* FROM screens s ${ACTIVE_PAIRER} WHERE s.code_hash = ? AND s.code_expires_at > ? AND s.session_hash IS NULL`,
			pair: 'UPDATE screens SET code_hash = NULL, code_expires_at = NULL, session_hash = ?, paired_at = ? WHERE id = ?',
			findSession: `SELECT s.* FROM screens s ${ACTIVE_PAIRER} WHERE s.session_hash = ?`,
			list: `SELECT s.* FROM screens s ${ACTIVE_PAIRER} WHERE s.practice_id = ? AND s.session_hash IS NOT NULL ORDER BY s.paired_at, s.id`,
			end: 'DELETE FROM screens WHERE practice_id = ? AND id = ?'
		});
	}

	async offer(screen: StoredScreen, codeHash: string, expiresAt: number): Promise<void> {
		transaction(this.db, () => {
			this.stmt.dropWaiting.run(screen.createdAt, screen.practiceId, screen.pairedBy);
			this.stmt.insert.run(screen.id, screen.practiceId, screen.pairedBy, codeHash, expiresAt, screen.createdAt);
		});
	}

	async pair(codeHash: string, now: number, sessionHash: string): Promise<StoredScreen | null> {
		return transaction(this.db, () => {
			const row = this.stmt.waiting.get(codeHash, now) as Row | undefined;
			if (!row) return null;
			this.stmt.pair.run(sessionHash, now, row.id as string);
			return { ...toScreen(row), pairedAt: now };
		});
	}

	async findSession(sessionHash: string): Promise<StoredScreen | null> {
		const row = this.stmt.findSession.get(sessionHash) as Row | undefined;
		return row ? toScreen(row) : null;
	}

	async list(practiceId: string): Promise<StoredScreen[]> {
		return (this.stmt.list.all(practiceId) as Row[]).map(toScreen);
	}

	async end(practiceId: string, id: string): Promise<boolean> {
		return Number(this.stmt.end.run(practiceId, id).changes) > 0;
	}
}
