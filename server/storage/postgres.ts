import { Client, Pool } from 'pg';
import type { Storage } from './types.ts';
import type { DocumentLog } from './log.ts';
import type { Records } from './records.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { Connections } from './postgres/pool.ts';
import { migrate } from './postgres/schema.ts';
import { PostgresLog } from './postgres/log.ts';
import { postgresRecords } from './postgres/records.ts';

export interface PostgresOptions {
	/**
	 * `FULL` (default): a commit returns once it is durable (`synchronous_commit`
	 * is raised to `on` if the server default is `off`). `NORMAL`: commits with
	 * `synchronous_commit = off`; a crash of PostgreSQL or its machine may lose
	 * the last moments.
	 */
	readonly synchronous?: 'FULL' | 'NORMAL';
	/** Connections in the pool (10). */
	readonly maxConnections?: number;
	readonly logger?: Logger;
}

/**
 * The shared store: PostgreSQL through a `pg` connection pool, holding the
 * document log (postgres/log.ts) and the records (postgres/records.ts,
 * postgres/members.ts); migrations are in postgres/schema.ts. Open it with
 * `PostgresStorage.open(url)`, which brings the schema up to date first.
 * Ids sort by byte (`COLLATE "C"`), as in SQLite, whatever the database's
 * collation. PostgreSQL's write-ahead log, archives and replicas are out of
 * erasure's reach.
 */
export class PostgresStorage implements Storage {
	readonly kind = 'postgres';
	readonly log: DocumentLog;
	readonly records: Records;
	private readonly connections: Connections;
	private closed = false;

	private constructor(pool: Pool) {
		this.connections = new Connections(pool);
		this.log = new PostgresLog(this.connections);
		this.records = postgresRecords(this.connections);
	}

	/** Connects, applies pending migrations and returns a ready store. */
	static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
		const logger = options.logger ?? silentLogger;
		const client = new Client({ connectionString: url, application_name: 'zwerm', connectionTimeoutMillis: 10_000 });
		client.on('error', () => {}); // reported by the query it breaks
		await client.connect();
		let commitSetting: string;
		try {
			await migrate(client, logger);
			commitSetting = String((await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit);
		} finally {
			await client.end();
		}
		const wanted = options.synchronous === 'NORMAL' ? (commitSetting === 'off' ? null : 'off') : commitSetting === 'off' ? 'on' : null;
		const pool = new Pool({
			connectionString: url,
			application_name: 'zwerm',
			max: options.maxConnections ?? 10,
			// Fail (and let the write batcher retry) rather than wait forever for an unreachable server.
			connectionTimeoutMillis: 10_000,
			keepAlive: true,
			// Runs on each new connection before its first use.
			onConnect: wanted
				? async (c) => {
						await c.query(`SET synchronous_commit TO ${wanted}`);
					}
				: undefined
		});
		// An idle connection that breaks (server restart) is dropped by the pool; without a listener it would crash the process.
		pool.on('error', (error) => logger.warn('postgres-connection-lost', { error: String(error) }));
		return new PostgresStorage(pool);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.connections.end();
	}
}
