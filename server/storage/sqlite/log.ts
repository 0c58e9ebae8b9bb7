import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { DocumentLog, DocumentSize, DocumentVersion, HistoryEntry, LoggedUpdate, StateAt, StoredDocument } from '../log.ts';
import { toHistoryEntry, type Row } from '../rows.ts';
import { transaction } from './schema.ts';

/**
 * The document log in SQLite: tables `updates` (an AUTOINCREMENT sequence for
 * all documents) and `checkpoints`. Calls are synchronous underneath, on one
 * connection: nothing commits between two reads of one call.
 */
export class SqliteLog implements DocumentLog {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		const p = (sql: string) => db.prepare(sql);
		this.stmt = {
			insertUpdate: p('INSERT INTO updates (doc, data, at, member_id) VALUES (?, ?, ?, ?)'),
			lastCheckpoint: p('SELECT seq, state FROM checkpoints WHERE doc = ? ORDER BY seq DESC LIMIT 1'),
			lastCheckpointSize: p('SELECT seq, LENGTH(state) AS n FROM checkpoints WHERE doc = ? ORDER BY seq DESC LIMIT 1'),
			bytesSince: p('SELECT COALESCE(SUM(LENGTH(data)), 0) AS n FROM updates WHERE doc = ? AND seq > ?'),
			updatesAfter: p('SELECT seq, data FROM updates WHERE doc = ? AND seq > ? ORDER BY seq'),
			insertCheckpoint: p('INSERT OR REPLACE INTO checkpoints (doc, seq, state) VALUES (?, ?, ?)'),
			countSince: p('SELECT COUNT(*) AS n FROM updates WHERE doc = ? AND seq > ?'),
			lastSeq: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates WHERE doc = ?'),
			headSeq: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates'),
			checkpointAt: p('SELECT seq, state FROM checkpoints WHERE doc = ? AND seq <= ? ORDER BY seq DESC LIMIT 1'),
			updatesIn: p('SELECT seq, data FROM updates WHERE doc = ? AND seq > ? AND seq <= ? ORDER BY seq'),
			versionUpdates: p('SELECT COALESCE(MAX(seq), 0) AS seq, COUNT(*) AS n FROM updates WHERE doc = ? AND seq <= ?'),
			versionCheckpoint: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM checkpoints WHERE doc = ? AND seq <= ?'),
			deleteUpdates: p('DELETE FROM updates WHERE doc = ?'),
			deleteCheckpoints: p('DELETE FROM checkpoints WHERE doc = ?'),
			forgetAuthor: p('UPDATE updates SET member_id = NULL WHERE member_id = ?')
		};
	}

	async append(batch: readonly LoggedUpdate[]): Promise<void> {
		if (batch.length === 0) return;
		transaction(this.db, () => {
			for (const u of batch) this.stmt.insertUpdate.run(u.doc, u.update, u.at, u.memberId);
		});
	}

	async load(doc: string): Promise<StoredDocument> {
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

	async checkpoint(doc: string, seq: number, state: Uint8Array): Promise<void> {
		this.stmt.insertCheckpoint.run(doc, seq, state);
	}

	async countSince(doc: string, seq: number): Promise<number> {
		return Number((this.stmt.countSince.get(doc, seq) as Row).n);
	}

	async size(doc: string): Promise<DocumentSize> {
		const cp = this.stmt.lastCheckpointSize.get(doc) as Row | undefined;
		const since = this.stmt.bytesSince.get(doc, cp ? Number(cp.seq) : 0) as Row;
		const all = this.stmt.bytesSince.get(doc, 0) as Row;
		return { checkpointBytes: cp ? Number(cp.n) : 0, logBytesSinceCheckpoint: Number(since.n), logBytes: Number(all.n) };
	}

	async lastSeq(doc: string): Promise<number> {
		return Number((this.stmt.lastSeq.get(doc) as Row).seq);
	}

	async headSeq(): Promise<number> {
		return Number((this.stmt.headSeq.get() as Row).seq);
	}

	async history(docs: readonly string[], range: { after?: number; upTo?: number } = {}): Promise<HistoryEntry[]> {
		if (docs.length === 0) return [];
		const rows = this.db
			.prepare(
				`SELECT seq, doc, at, member_id FROM updates
				 WHERE doc IN (${docs.map(() => '?').join(', ')}) AND seq > ? AND seq <= ? ORDER BY seq`
			)
			.all(...docs, range.after ?? 0, range.upTo ?? Number.MAX_SAFE_INTEGER) as Row[];
		return rows.map(toHistoryEntry);
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

	async versionAt(doc: string, seq: number): Promise<DocumentVersion> {
		const updates = this.stmt.versionUpdates.get(doc, seq) as Row;
		const checkpoint = this.stmt.versionCheckpoint.get(doc, seq) as Row;
		return { seq: Math.max(Number(updates.seq), Number(checkpoint.seq)), count: Number(updates.n) };
	}

	async erase(entries: readonly { doc: string; state: Uint8Array }[]): Promise<void> {
		transaction(this.db, () => {
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

	async forgetAuthor(memberId: string): Promise<void> {
		this.stmt.forgetAuthor.run(memberId);
	}
}
