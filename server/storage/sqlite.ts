import type { DatabaseSync } from 'node:sqlite';
import type { Storage } from './types.ts';
import type { DocumentLog } from './log.ts';
import type { Records } from './records.ts';
import { openDatabase, type SqliteOptions } from './sqlite/schema.ts';
import { SqliteLog } from './sqlite/log.ts';
import { sqliteRecords } from './sqlite/records.ts';

export type { SqliteOptions } from './sqlite/schema.ts';

/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite`,
 * holding the document log (sqlite/log.ts) and the records (sqlite/records.ts,
 * sqlite/members.ts); the schema and its migrations are in sqlite/schema.ts.
 * Calls are synchronous underneath; transactions are short and explicit.
 */
export class SqliteStorage implements Storage {
	readonly kind = 'sqlite';
	readonly log: DocumentLog;
	readonly records: Records;
	private readonly db: DatabaseSync;

	constructor(file: string, options: SqliteOptions = {}) {
		this.db = openDatabase(file, options);
		this.log = new SqliteLog(this.db);
		this.records = sqliteRecords(this.db);
	}

	async close(): Promise<void> {
		if (this.db.isOpen) this.db.close();
	}
}
