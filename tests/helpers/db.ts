import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import * as Y from 'yjs';

export const dbFile = (dataDir: string): string => join(dataDir, 'zwerm.db');

export interface StoredState {
	/** The document rebuilt from the newest checkpoint and the log after it. */
	readonly doc: Y.Doc;
	/** Every log entry of the document, in order (V1 updates). */
	readonly log: Uint8Array[];
	readonly checkpoints: number;
	/** The sequence number the newest checkpoint covers (0 without one). */
	readonly checkpointSeq: number;
	/** Log entries after the newest checkpoint. */
	readonly updatesAfterCheckpoint: number;
}

/**
 * Reads a document straight from the database file, read-only and without
 * going through the server's storage code: what is on disk, and nothing else.
 */
export function readStored(dataDir: string, docName: string): StoredState {
	const db = new DatabaseSync(dbFile(dataDir), { readOnly: true });
	try {
		db.exec('BEGIN');
		const checkpoint = db.prepare('SELECT seq, state FROM checkpoints WHERE doc = ? ORDER BY seq DESC LIMIT 1').get(docName) as
			| { seq: number; state: Uint8Array }
			| undefined;
		const checkpoints = Number((db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE doc = ?').get(docName) as { n: number }).n);
		const rows = db.prepare('SELECT seq, data FROM updates WHERE doc = ? ORDER BY seq').all(docName) as { seq: number; data: Uint8Array }[];
		db.exec('COMMIT');

		const checkpointSeq = checkpoint ? Number(checkpoint.seq) : 0;
		const after = rows.filter((r) => Number(r.seq) > checkpointSeq);
		const doc = new Y.Doc();
		if (checkpoint) Y.applyUpdateV2(doc, checkpoint.state);
		for (const row of after) Y.applyUpdate(doc, row.data);
		return { doc, log: rows.map((r) => r.data), checkpoints, checkpointSeq, updatesAfterCheckpoint: after.length };
	} finally {
		db.close();
	}
}

/** Rows in a table, for any document. */
export function countRows(dataDir: string, table: 'updates' | 'checkpoints'): number {
	const db = new DatabaseSync(dbFile(dataDir), { readOnly: true });
	try {
		return Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
	} finally {
		db.close();
	}
}
