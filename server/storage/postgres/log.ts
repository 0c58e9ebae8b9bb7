import type { DocumentLog, DocumentSize, DocumentVersion, HistoryEntry, LoggedUpdate, StateAt, StoredDocument } from '../log.ts';
import { toHistoryEntry } from '../rows.ts';
import { bytes, lockDocuments, type Connections } from './pool.ts';

/**
 * The document log in PostgreSQL: tables `updates` (an identity sequence for
 * all documents) and `checkpoints`.
 *
 * - Sequence numbers are handed out before commit, so two concurrent appends
 *   may commit in the other order. Appends to a document hold an advisory
 *   lock on it until commit: per document, seq order is commit order, and a
 *   checkpoint at `lastSeq` never covers an entry that becomes visible later.
 * - `load` and `stateAt` read checkpoint and log in one statement (one snapshot).
 * - Erasure: MVCC keeps deleted rows and plain VACUUM leaves their bytes in
 *   the pages' free space, so the tables are rewritten (VACUUM FULL).
 */
export class PostgresLog implements DocumentLog {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async append(batch: readonly LoggedUpdate[]): Promise<void> {
		if (batch.length === 0) return;
		await this.db.transaction(async (c) => {
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

	async load(doc: string): Promise<StoredDocument> {
		// One statement, one snapshot: a checkpoint or erasure committing in between cannot split the read.
		const rows = await this.db.query(
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

	async checkpoint(doc: string, seq: number, state: Uint8Array): Promise<void> {
		await this.db.query(
			`INSERT INTO checkpoints (doc, seq, state) VALUES ($1, $2, $3)
			 ON CONFLICT (doc, seq) DO UPDATE SET state = EXCLUDED.state`,
			[doc, seq, state]
		);
	}

	async countSince(doc: string, seq: number): Promise<number> {
		const [row] = await this.db.query('SELECT COUNT(*) AS n FROM updates WHERE doc = $1 AND seq > $2', [doc, seq]);
		return Number(row.n);
	}

	async size(doc: string): Promise<DocumentSize> {
		const [row] = await this.db.query(
			`WITH cp AS (SELECT seq, octet_length(state) AS n FROM checkpoints WHERE doc = $1 ORDER BY seq DESC LIMIT 1)
			 SELECT COALESCE((SELECT n FROM cp), 0) AS checkpoint,
			        COALESCE(SUM(octet_length(data)) FILTER (WHERE seq > COALESCE((SELECT seq FROM cp), 0)), 0) AS since,
			        COALESCE(SUM(octet_length(data)), 0) AS log
			 FROM updates WHERE doc = $1`,
			[doc]
		);
		return { checkpointBytes: Number(row.checkpoint), logBytesSinceCheckpoint: Number(row.since), logBytes: Number(row.log) };
	}

	async lastSeq(doc: string): Promise<number> {
		const [row] = await this.db.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates WHERE doc = $1', [doc]);
		return Number(row.seq);
	}

	async headSeq(): Promise<number> {
		const [row] = await this.db.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates');
		return Number(row.seq);
	}

	async history(docs: readonly string[], range: { after?: number; upTo?: number } = {}): Promise<HistoryEntry[]> {
		if (docs.length === 0) return [];
		const rows = await this.db.query(
			'SELECT seq, doc, at, member_id FROM updates WHERE doc = ANY($1::text[]) AND seq > $2 AND seq <= $3 ORDER BY seq',
			[[...docs], range.after ?? 0, range.upTo ?? Number.MAX_SAFE_INTEGER]
		);
		return rows.map(toHistoryEntry);
	}

	async updatesBetween(docs: readonly string[], after: number, upTo: number) {
		if (docs.length === 0) return [];
		const rows = await this.db.query(
			'SELECT seq, doc, at, member_id, data FROM updates WHERE doc = ANY($1::text[]) AND seq > $2 AND seq <= $3 ORDER BY seq',
			[[...docs], after, upTo]
		);
		return rows.map((r) => ({ ...toHistoryEntry(r), data: bytes(r.data) }));
	}

	async stateAt(doc: string, seq: number): Promise<StateAt> {
		// One statement, one snapshot (as in load).
		const rows = await this.db.query(
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

	async versionAt(doc: string, seq: number): Promise<DocumentVersion> {
		const [row] = await this.db.query(
			`SELECT GREATEST(
				COALESCE((SELECT MAX(seq) FROM updates WHERE doc = $1 AND seq <= $2), 0),
				COALESCE((SELECT MAX(seq) FROM checkpoints WHERE doc = $1 AND seq <= $2), 0)) AS seq,
			 (SELECT COUNT(*) FROM updates WHERE doc = $1 AND seq <= $2) AS n`,
			[doc, seq]
		);
		return { seq: Number(row.seq), count: Number(row.n) };
	}

	async erase(entries: readonly { doc: string; state: Uint8Array }[]): Promise<void> {
		if (entries.length === 0) return;
		await this.db.transaction(async (c) => {
			await lockDocuments(c, entries.map((e) => e.doc));
			for (const { doc, state } of entries) {
				const [row] = (await c.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM updates WHERE doc = $1', [doc])).rows;
				await c.query('DELETE FROM updates WHERE doc = $1', [doc]);
				await c.query('DELETE FROM checkpoints WHERE doc = $1', [doc]);
				await c.query('INSERT INTO checkpoints (doc, seq, state) VALUES ($1, $2, $3)', [doc, row.seq, state]);
			}
		});
		// Deleted rows stay in the table files (MVCC), and plain VACUUM only marks their space free: the bytes
		// remain until reused. VACUUM FULL writes new files holding the live rows only (TOAST included) and
		// drops the old ones. It locks the two tables while it runs, as SQLite's VACUUM locks the whole file.
		// The log's old, attributed row versions (see forgetAuthor) go with this rewrite too.
		await this.db.rewrite('updates, checkpoints');
	}

	async forgetAuthor(memberId: string): Promise<void> {
		await this.db.query('UPDATE updates SET member_id = NULL WHERE member_id = $1', [memberId]);
	}
}
