/**
 * The Zwerm server under load, in its own process (started by bench/load.ts):
 * the real `createZwerm` over SQLite (synchronous=FULL, the default), on
 * 127.0.0.1, collaboration path /collab. Configured by environment:
 *   DATA_DIR  where zwerm.db lives (required)
 *   LIMITS    JSON Partial<Limits> (server/limits.ts); "Infinity" allowed as a string
 *   SETUP     JSON { participants, boardPractices }: create a practice with that
 *             many participants, and practices (facilitator only) whose boards
 *             the memory measurement loads; reported in the hello message
 * Talks to the parent over IPC (see ipc.ts): a hello once listening, then stats on request.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createZwerm } from '#server/zwerm.ts';
import { SqliteStorage } from '#server/storage/sqlite.ts';
import { silentLogger } from '#server/logger.ts';
import type { Limits } from '#server/limits.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import { serveStats, type Hello } from './ipc.ts';

export interface Member {
	readonly memberId: string;
	readonly token: string;
	readonly name: string;
}

export interface ZwermSetup {
	readonly practiceId: string;
	readonly boards: string[];
	readonly participants: Member[];
	/** Practices whose boards the memory measurement opens, each with its facilitator. */
	readonly boardPractices: { readonly practiceId: string; readonly boards: string[]; readonly facilitator: Member }[];
}

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
const limits = JSON.parse(process.env.LIMITS ?? '{}', (_, v) => (v === 'Infinity' ? Number.POSITIVE_INFINITY : v)) as Partial<Limits>;

const storage = new SqliteStorage(join(dataDir, 'zwerm.db'));
const zwerm = createZwerm({ storage, logger: silentLogger, limits });
const server = createServer((_, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
	if (!zwerm.handleUpgrade(req, socket, head)) socket.destroy();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

let setup: ZwermSetup | null = null;
if (process.env.SETUP) {
	const { participants, boardPractices } = JSON.parse(process.env.SETUP) as { participants: number; boardPractices: number };
	const { practice } = await zwerm.practices.create({ name: 'Belasting', facilitatorName: 'Fenna' });
	const joined: Member[] = [];
	for (let i = 0; i < participants; i++) {
		const name = `Deelnemer ${i + 1}`;
		const session = await zwerm.practices.join(practice.participantInvite, { name });
		if (!session) throw new Error('participant invite refused');
		joined.push({ memberId: session.member.id, token: session.token, name });
	}
	const others: ZwermSetup['boardPractices'] = [];
	for (let i = 0; i < boardPractices; i++) {
		const created = await zwerm.practices.create({ name: `Bord ${i + 1}`, facilitatorName: `Facilitator ${i + 1}` });
		others.push({
			practiceId: created.practice.id,
			boards: boardsOf(created.practice.framework).map((b) => b.id),
			facilitator: { memberId: created.facilitator.member.id, token: created.facilitator.token, name: `Facilitator ${i + 1}` }
		});
	}
	setup = { practiceId: practice.id, boards: boardsOf(practice.framework).map((b) => b.id), participants: joined, boardPractices: others };
}

/** A sample's value from the metrics Zwerm serves at GET /metrics. */
function gauge(text: string, name: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	return line ? Number(line.slice(name.length + 1)) : NaN;
}

serveStats(async () => {
	const text = await zwerm.metrics.render();
	const stats = zwerm.limits.stats;
	return {
		documents: gauge(text, 'zwerm_documents_loaded'),
		connections: gauge(text, 'zwerm_websocket_connections'),
		extra: {
			messagesIn: text
				.split('\n')
				.filter((l) => l.startsWith('zwerm_messages_received_total'))
				.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0),
			updatesLogged: gauge(text, 'zwerm_updates_logged_total'),
			// Commits run on the event loop (node:sqlite is synchronous): time every connection waits.
			logCommits: gauge(text, 'zwerm_log_write_duration_seconds_count'),
			logCommitSeconds: gauge(text, 'zwerm_log_write_duration_seconds_sum'),
			checkpoints: gauge(text, 'zwerm_checkpoint_duration_seconds_count'),
			checkpointSeconds: gauge(text, 'zwerm_checkpoint_duration_seconds_sum'),
			logWriteFailures: gauge(text, 'zwerm_log_write_failures_total'),
			closedRateLimited: stats.closed.rateLimited,
			closedSlowReader: stats.closed.slowReader,
			refusedPerAddress: stats.refused.perAddress,
			bufferedBytes: stats.bufferedBytes()
		}
	};
});

const hello: Hello = { type: 'hello', port: (server.address() as AddressInfo).port, setup };
process.send!(hello);

process.on('SIGTERM', () => {
	void zwerm.close().then(() => process.exit(0));
});
