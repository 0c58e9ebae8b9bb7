import type { DocumentLog } from './log.ts';
import type { Records } from './records.ts';

export type * from './log.ts';
export type * from './records.ts';

/**
 * Everything Zwerm keeps, as two contracts: the document log (bytes and
 * positions) and the records. Each has its own rules in docs/SPEC.md and its
 * own contract suite; every adapter (SQLite, PostgreSQL) passes both.
 */
export interface Storage {
	readonly kind: string;
	readonly log: DocumentLog;
	readonly records: Records;
	close(): Promise<void>;
}

export class StorageError extends Error {
	readonly code = 'storage-failed';
}
