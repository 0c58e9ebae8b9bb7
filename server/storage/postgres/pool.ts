import type { Pool, PoolClient } from 'pg';
import type { Row } from '../rows.ts';

/** Advisory lock namespace ('zwer'): key 0 guards migrations, others are documents' log appends. */
export const LOCK_NAMESPACE = 0x7a776572;

/** Erasure's table rewrite: how long one attempt waits for its lock, and how many attempts (about 15 s in all). */
const REWRITE_LOCK_WAIT = '1s';
const REWRITE_ATTEMPTS = 10;

/** The connection pool, shared by the log and the records: single queries, transactions and table rewrites. */
export class Connections {
	private readonly pool: Pool;

	constructor(pool: Pool) {
		this.pool = pool;
	}

	async query(sql: string, params: unknown[] = []): Promise<Row[]> {
		return (await this.pool.query(sql, params)).rows as Row[];
	}

	/**
	 * A pooled connection for several statements. `reset` puts it back in shape
	 * for the next user; a connection that broke, or cannot be reset, is dropped.
	 */
	async withClient<T>(fn: (client: PoolClient) => Promise<T>, reset: (client: PoolClient, failed: boolean) => Promise<unknown>): Promise<T> {
		const client = await this.pool.connect();
		// A connection that breaks between two statements reports it as an event, not through a query: without
		// a listener that would crash the process. The next statement fails, and with it the work.
		let lost: Error | undefined;
		const onError = (error: Error) => (lost = error);
		client.on('error', onError);
		let failed = false;
		try {
			return await fn(client);
		} catch (error) {
			failed = true;
			throw error;
		} finally {
			const broken = lost ?? (await reset(client, failed).then(() => undefined, toError));
			client.off('error', onError);
			client.release(broken);
		}
	}

	transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
		return this.withClient(
			async (client) => {
				await client.query('BEGIN');
				const result = await fn(client);
				await client.query('COMMIT');
				return result;
			},
			async (client, failed) => {
				if (failed) await client.query('ROLLBACK');
			}
		);
	}

	/**
	 * VACUUM FULL, which needs each table to itself. Waiting for that lock would
	 * queue every later read and write of the table behind it (a long backup
	 * holding a table would stall the log), so each attempt waits at most
	 * REWRITE_LOCK_WAIT and then lets the queue through before trying again.
	 */
	async rewrite(tables: string): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			try {
				await this.withClient(
					async (client) => {
						await client.query(`SET lock_timeout = '${REWRITE_LOCK_WAIT}'`);
						await client.query(`VACUUM FULL ${tables}`);
					},
					(client) => client.query('RESET lock_timeout')
				);
				return;
			} catch (error) {
				const lockBusy = (error as { code?: unknown }).code === '55P03';
				if (!lockBusy || attempt >= REWRITE_ATTEMPTS) throw error;
			}
			await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
		}
	}

	end(): Promise<void> {
		return this.pool.end();
	}
}

/**
 * Takes the documents' advisory locks for the rest of the transaction, in one
 * order everywhere (no deadlocks). Two documents may share a key (a hash):
 * that only serialises them.
 */
export async function lockDocuments(c: PoolClient, docs: readonly string[]): Promise<void> {
	const keys = [...new Set(docs.map(documentKey))].sort((a, b) => a - b);
	await c.query('SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int[]) WITH ORDINALITY AS t(k, n) ORDER BY n', [LOCK_NAMESPACE, keys]);
}

/** FNV-1a over the UTF-16 code units, as a signed 32-bit integer. */
export function documentKey(doc: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < doc.length; i++) {
		hash ^= doc.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash | 0;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** `pg` returns BYTEA as a Buffer; callers get a plain Uint8Array, as from SQLite. */
export function bytes(value: unknown): Uint8Array {
	const buffer = value as Buffer;
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
