import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createZwerm, type Zwerm, type ZwermOptions } from '#server/zwerm.ts';
import { SqliteStorage } from '#server/storage/sqlite.ts';
import type { Storage } from '#server/storage/types.ts';
import { silentLogger } from '#server/logger.ts';

export interface TestServer {
	readonly zwerm: Zwerm;
	readonly port: number;
	readonly wsUrl: string;
	readonly dataDir: string;
	/** Drains and closes; keeps the data directory unless `cleanup` was asked. */
	stop(): Promise<void>;
}

export const tempDir = (prefix = 'zwerm-test-'): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * A real collaboration server on a random port over real SQLite in a temp dir,
 * or over the store `storage` opens (e.g. PostgreSQL; called once per start).
 */
export async function startTestServer(
	options: { dataDir?: string; storage?: () => Storage | Promise<Storage> } & Partial<Omit<ZwermOptions, 'storage'>> = {}
): Promise<TestServer> {
	const dataDir = options.dataDir ?? tempDir();
	const storage = options.storage ? await options.storage() : new SqliteStorage(join(dataDir, 'zwerm.db'));
	const zwerm = createZwerm({ logger: silentLogger, ...options, storage });
	const server: Server = createServer((_, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => {
		if (!zwerm.handleUpgrade(req, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	let stopped = false;
	return {
		zwerm,
		port,
		dataDir,
		wsUrl: `ws://127.0.0.1:${port}/collab`,
		async stop() {
			if (stopped) return;
			stopped = true;
			await zwerm.close();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

export function removeDir(dir: string): void {
	rmSync(dir, { recursive: true, force: true });
}
