import { join } from 'node:path';
import type { Storage } from './types.ts';
import type { Logger } from '../logger.ts';
import { SqliteStorage } from './sqlite.ts';

export interface OpenStorageOptions {
	/** Where `zwerm.db` lives when no database URL is given. */
	readonly dataDir: string;
	/** `postgres://…` or `postgresql://…` selects PostgreSQL; empty or absent selects SQLite. */
	readonly databaseUrl?: string;
	readonly synchronous?: 'FULL' | 'NORMAL';
	readonly logger?: Logger;
}

/** Which store a configuration selects, and where it is, without secrets: for logs. */
export function describeStorage(options: Pick<OpenStorageOptions, 'dataDir' | 'databaseUrl'>): Record<string, unknown> {
	const url = options.databaseUrl?.trim();
	if (!url) return { kind: 'sqlite', file: join(options.dataDir, 'zwerm.db') };
	if (!isPostgresUrl(url)) return { kind: 'unknown' };
	try {
		const parsed = new URL(url);
		return { kind: 'postgres', host: parsed.host || 'localhost', database: decodeURIComponent(parsed.pathname.slice(1)) };
	} catch {
		return { kind: 'postgres' };
	}
}

/** The store the configuration asks for, ready to use (PostgreSQL: connected and migrated). */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
	const url = options.databaseUrl?.trim();
	if (!url) return new SqliteStorage(join(options.dataDir, 'zwerm.db'), { synchronous: options.synchronous });
	if (isPostgresUrl(url)) {
		// Loaded only when asked for: an SQLite installation never loads the PostgreSQL client.
		const { PostgresStorage } = await import('./postgres.ts');
		return PostgresStorage.open(url, { synchronous: options.synchronous, logger: options.logger });
	}
	throw new Error('DATABASE_URL must start with postgres:// or postgresql:// (leave it unset for SQLite in DATA_DIR).');
}

const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);
