/**
 * A Zwerm collaboration server in its own process, for tests that kill it
 * (`kill -9`) or slow its disk. Run with `process.execPath`; configured by
 * environment:
 *   DATA_DIR          where zwerm.db lives (required; unused with DATABASE_URL)
 *   DATABASE_URL      postgres://…: keep everything in that PostgreSQL database instead
 *   PORT              port to listen on (default 0: any free port)
 *   CHECKPOINT_EVERY  DurableLog checkpoint interval (default 500)
 *   SETUP             JSON {"participants": n}: create a practice first and report its tokens
 * Prints one JSON line on stdout once listening: { port, pid, setup }.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createZwerm } from '#server/zwerm.ts';
import { SqliteStorage } from '#server/storage/sqlite.ts';
import { silentLogger } from '#server/logger.ts';

export interface ChildSetup {
	readonly practiceId: string;
	readonly facilitator: { readonly memberId: string; readonly token: string };
	readonly participants: { readonly memberId: string; readonly token: string }[];
}

export interface ChildHello {
	readonly port: number;
	readonly pid: number;
	readonly setup: ChildSetup | null;
}

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');

const databaseUrl = process.env.DATABASE_URL;
const storage = databaseUrl
	? await (await import('#server/storage/postgres.ts')).PostgresStorage.open(databaseUrl)
	: new SqliteStorage(join(dataDir, 'zwerm.db'));
const zwerm = createZwerm({
	storage,
	logger: silentLogger,
	checkpointEvery: Number(process.env.CHECKPOINT_EVERY ?? 500)
});
const server = createServer((_, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
	if (!zwerm.handleUpgrade(req, socket, head)) socket.destroy();
});
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));

let setup: ChildSetup | null = null;
if (process.env.SETUP) {
	const { participants = 1 } = JSON.parse(process.env.SETUP) as { participants?: number };
	const { practice, facilitator } = await zwerm.practices.create({ name: 'Kill -9', facilitatorName: 'Fenna' });
	const joined = [];
	for (let i = 0; i < participants; i++) {
		const session = await zwerm.practices.join(practice.participantInvite, { name: `Deelnemer ${i + 1}` });
		joined.push({ memberId: session!.member.id, token: session!.token });
	}
	setup = {
		practiceId: practice.id,
		facilitator: { memberId: facilitator.member.id, token: facilitator.token },
		participants: joined
	};
}

const hello: ChildHello = { port: (server.address() as AddressInfo).port, pid: process.pid, setup };
process.stdout.write(JSON.stringify(hello) + '\n');

process.on('SIGTERM', () => {
	void zwerm.close().then(() => process.exit(0));
});
