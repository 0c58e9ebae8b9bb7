import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * PostgreSQL for tests: a server reachable through ZWERM_TEST_DATABASE_URL
 * (default: the local one, user postgres, trust auth), on which each suite
 * creates a throwaway database and drops it afterwards. Set
 * ZWERM_TEST_DATABASE_URL=off to skip the PostgreSQL runs on a machine without it.
 */
export const POSTGRES_ADMIN_URL = process.env.ZWERM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const postgresAvailable = POSTGRES_ADMIN_URL !== 'off';

export interface TestDatabase {
	readonly name: string;
	readonly url: string;
	/** One query on a short-lived connection to the test database. */
	query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
	/** Drops the database, whatever is still connected to it. */
	drop(): Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>, url = POSTGRES_ADMIN_URL): Promise<T> {
	const client = new Client({ connectionString: url });
	try {
		await client.connect();
	} catch (error) {
		const where = new URL(url);
		throw new Error(
			`No PostgreSQL for the tests at ${where.host}${where.pathname} (${String(error)}). ` +
				'Start one, point ZWERM_TEST_DATABASE_URL at another, or set ZWERM_TEST_DATABASE_URL=off to skip these tests.'
		);
	}
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/**
 * Creates `zwerm_test_<random>`. With an ICU locale when the server has one:
 * text then sorts as in most production databases, not by byte as in SQLite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
	const name = `zwerm_test_${randomBytes(6).toString('hex')}`;
	await admin(async (c) => {
		try {
			await c.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
		} catch {
			await c.query(`CREATE DATABASE ${name}`);
		}
	});
	const url = new URL(POSTGRES_ADMIN_URL);
	url.pathname = `/${name}`;
	let dropped = false;
	return {
		name,
		url: url.href,
		query: (sql, params = []) => admin(async (c) => (await c.query(sql, params)).rows, url.href),
		async drop() {
			if (dropped) return;
			dropped = true;
			await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
		}
	};
}

/**
 * Whether `needle` occurs in any table, index or TOAST file of the database
 * (after ANALYZE and a CHECKPOINT, so that statistics and every page are on
 * disk). Null when the test role may not read server files (not a superuser).
 */
export async function onDisk(db: TestDatabase, needle: Uint8Array): Promise<boolean | null> {
	const [role] = await db.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
	if (!role?.rolsuper) return null;
	await db.query('ANALYZE');
	await db.query('CHECKPOINT');
	const [row] = await db.query<{ n: string }>(
		`SELECT COUNT(*) AS n FROM (
			SELECT pg_relation_filepath(oid) AS path FROM pg_class WHERE relkind IN ('r', 't', 'i', 'm') AND NOT relisshared
		 ) files
		 WHERE position($1::bytea IN pg_read_binary_file(path, 0, (pg_stat_file(path, true)).size, true)) > 0`,
		[needle]
	);
	return Number(row.n) > 0;
}

/**
 * Holds a lock that makes every append to the update log wait (reads go on),
 * as a stuck disk would. Resolves once the lock is held; call the result to release it.
 */
export async function stallLogWrites(db: TestDatabase): Promise<() => Promise<void>> {
	const client = new Client({ connectionString: db.url });
	await client.connect();
	await client.query('BEGIN');
	await client.query('LOCK TABLE updates IN EXCLUSIVE MODE');
	let released = false;
	return async () => {
		if (released) return;
		released = true;
		try {
			await client.query('ROLLBACK');
		} finally {
			await client.end();
		}
	};
}
