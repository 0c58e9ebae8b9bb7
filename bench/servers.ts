import { join } from 'node:path';
import type { ZwermOptions } from '#server/zwerm.ts';
import { SqliteStorage, type SqliteOptions } from '#server/storage/sqlite.ts';
import { startTestServer, tempDir, type TestServer } from '../tests/helpers/server.ts';

/** The server configurations the acknowledgement benchmark compares. */
export type ServerConfig = 'no-log' | 'log-full' | 'log-normal' | 'log-full-big';

export const CONFIG_LABEL: Record<ServerConfig, string> = {
	'no-log': 'no durable log (baseline)',
	'log-full': 'durable log, synchronous=FULL (default)',
	'log-normal': 'durable log, synchronous=NORMAL',
	'log-full-big': 'durable log, FULL, 1000-note document'
};

/** startTestServer over a SQLite store with a chosen `synchronous` mode. */
function startWithSync(synchronous: SqliteOptions['synchronous'], options: Partial<Omit<ZwermOptions, 'storage'>>): Promise<TestServer> {
	const dataDir = tempDir('zwerm-bench-');
	return startTestServer({ ...options, dataDir, storage: () => new SqliteStorage(join(dataDir, 'zwerm.db'), { synchronous }) });
}

/**
 * The benchmark sends edits back to back, far above the per-connection message
 * rate a person produces; the rate limit (server/limits.ts) would close it.
 */
const UNLIMITED: Partial<Omit<ZwermOptions, 'storage'>> = {
	limits: { messagesPerSecond: Number.POSITIVE_INFINITY, messageBurst: Number.POSITIVE_INFINITY }
};

export function startConfig(config: ServerConfig, given: Partial<Omit<ZwermOptions, 'storage'>> = {}): Promise<TestServer> {
	const options = { ...UNLIMITED, ...given };
	switch (config) {
		case 'log-full':
		case 'log-full-big':
			return startTestServer({ ...options, dataDir: tempDir('zwerm-bench-') });
		case 'log-normal':
			return startWithSync('NORMAL', options);
		case 'no-log':
			return startTestServer({ ...options, dataDir: tempDir('zwerm-bench-'), durableLog: false });
	}
}

/** What the durable log did during a measurement, observed by wrapping the instance's methods (no source changes). */
export interface StorageActivity {
	/** Duration of each log commit (one transaction; with FULL, one fsync), ms. */
	readonly commits: number[];
	/** Updates per commit (group commit). */
	readonly batchSizes: number[];
	/** Duration of each checkpoint (the log folded into a full state), ms. Synchronous work on the event loop. */
	readonly checkpoints: number[];
	recording: boolean;
}

export function instrument(server: TestServer): StorageActivity {
	const activity: StorageActivity = { commits: [], batchSizes: [], checkpoints: [], recording: false };
	const log = server.zwerm.storage.log;
	const append = log.append.bind(log);
	log.append = async (batch) => {
		const t0 = performance.now();
		try {
			await append(batch);
		} finally {
			if (activity.recording && batch.length) {
				activity.commits.push(performance.now() - t0);
				activity.batchSizes.push(batch.length);
			}
		}
	};
	const durable = server.zwerm.durable;
	const checkpoint = durable.checkpoint.bind(durable);
	const seen = new WeakSet<Promise<void>>();
	durable.checkpoint = (doc: string) => {
		const t0 = performance.now();
		const task = checkpoint(doc);
		// A call during a running checkpoint returns that one: count it once.
		if (!seen.has(task)) {
			seen.add(task);
			void task.then(() => {
				if (activity.recording) activity.checkpoints.push(performance.now() - t0);
			});
		}
		return task;
	};
	return activity;
}
