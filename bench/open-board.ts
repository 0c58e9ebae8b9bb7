import { statSync } from 'node:fs';
import { join } from 'node:path';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import type { NoteId } from '#lib/domain/ids.ts';
import { notesMap, placeNote } from '#lib/domain/notes.ts';
import { startTestServer, type TestServer } from '../tests/helpers/server.ts';
import type { SeededBoard } from './seed.ts';
import { median } from './stats.ts';

/**
 * A board as the board page opens it (src/lib/sync/board.svelte.ts): one
 * websocket, one provider per document (practice, collective, every lane).
 */
export interface BoardClient {
	readonly providers: readonly HocuspocusProvider[];
	/** performance.now() when the first provider (of any document) was synced. */
	firstSyncedAt: number;
	/** Resolves when every provider is synced and holds all its notes. */
	readonly loaded: Promise<void>;
	destroy(): void;
}

export function openBoardClient(wsUrl: string, board: SeededBoard, timeout = 60000): BoardClient {
	const socket = new HocuspocusProviderWebsocket({ url: wsUrl });
	const providers = board.docs.map((d) => {
		const provider = new HocuspocusProvider({ websocketProvider: socket, name: d.name, document: new Y.Doc(), token: board.token });
		provider.attach();
		return provider;
	});
	let firstSyncedAt = NaN;
	const complete = () =>
		providers.every((p, i) => p.isSynced && notesMap(p.document).size === board.docs[i].notes);
	const loaded = new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('board did not load in time')), timeout);
		const check = () => {
			if (Number.isNaN(firstSyncedAt) && providers.some((p) => p.isSynced)) firstSyncedAt = performance.now();
			if (!complete()) return;
			clearTimeout(timer);
			resolve();
		};
		// Event-driven, not polled: the notes arrive with sync step 2, just before `synced`.
		for (const p of providers) {
			p.on('synced', check);
			p.document.on('update', check);
		}
		check();
	});
	return {
		providers,
		get firstSyncedAt() {
			return firstSyncedAt;
		},
		loaded,
		destroy() {
			for (const p of providers) p.destroy();
			socket.destroy();
		}
	};
}

export interface OpenBoardResult {
	readonly coldMs: number[];
	readonly warmMs: number[];
	/** Until the first document was synced: on a cold server, roughly the time to load the documents. */
	readonly coldFirstSyncMs: number[];
	readonly warmFirstSyncMs: number[];
	/** One checkpoint of the collective document (the log folded into a full state), ms, blocking the event loop. */
	readonly collectiveCheckpointMs: number[];
	readonly coldMedianMs: number;
	readonly warmMedianMs: number;
	readonly docs: number;
	readonly notes: number;
	readonly sizes: {
		readonly collective: { v1: number; v2: number };
		readonly lanes: { v1: number; v2: number };
		readonly all: { v1: number; v2: number };
	};
	/** zwerm.db plus its WAL after seeding and a clean shutdown. */
	readonly sqliteBytes: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/*
 * No forced GC between runs: tried, and a collection right before a timed
 * section made it slower (by ~80–100 ms here), not steadier. A short pause
 * lets the previous run's sockets and timers settle instead.
 */
async function timeOpen(wsUrl: string, board: SeededBoard): Promise<{ ms: number; firstSyncMs: number; client: BoardClient }> {
	await pause(100);
	const t0 = performance.now();
	const client = openBoardClient(wsUrl, board);
	try {
		await client.loaded;
	} catch (error) {
		client.destroy();
		throw error;
	}
	return { ms: performance.now() - t0, firstSyncMs: client.firstSyncedAt - t0, client };
}

function fileSize(path: string): number {
	try {
		return statSync(path).size;
	} catch {
		return 0;
	}
}

/**
 * Cold: the server was just restarted, so every document is read from SQLite
 * (checkpoint + log tail) on first connect. Warm: a second client opens the
 * board while the first keeps every document loaded.
 */
export async function benchOpenBoard(
	initial: TestServer,
	board: SeededBoard,
	runs: number,
	onServer: (server: TestServer) => void
): Promise<OpenBoardResult> {
	let server = initial;
	const coldMs: number[] = [];
	const warmMs: number[] = [];
	const coldFirstSyncMs: number[] = [];
	const warmFirstSyncMs: number[] = [];
	let collectiveCheckpointMs: number[] = [];
	let sizes: OpenBoardResult['sizes'] | null = null;
	let sqliteBytes = 0;
	for (let run = 0; run < runs; run++) {
		await server.stop();
		if (run === 0) sqliteBytes = fileSize(join(server.dataDir, 'zwerm.db')) + fileSize(join(server.dataDir, 'zwerm.db-wal'));
		server = await startTestServer({ dataDir: server.dataDir });
		onServer(server);
		const cold = await timeOpen(server.wsUrl, board);
		coldMs.push(cold.ms);
		coldFirstSyncMs.push(cold.firstSyncMs);
		try {
			const warm = await timeOpen(server.wsUrl, board);
			warmMs.push(warm.ms);
			warmFirstSyncMs.push(warm.firstSyncMs);
			warm.client.destroy();
			if (!sizes) sizes = measureSizes(cold.client, board);
			if (run === runs - 1) collectiveCheckpointMs = await timeCheckpoints(server, cold.client, board, 3);
		} finally {
			cold.client.destroy();
		}
	}
	await server.stop();
	return {
		coldMs,
		warmMs,
		coldFirstSyncMs,
		warmFirstSyncMs,
		collectiveCheckpointMs,
		coldMedianMs: median(coldMs),
		warmMedianMs: median(warmMs),
		docs: board.docs.length,
		notes: board.totalNotes,
		sizes: sizes!,
		sqliteBytes
	};
}

function measureSizes(client: BoardClient, board: SeededBoard): OpenBoardResult['sizes'] {
	const collective = { v1: 0, v2: 0 };
	const lanes = { v1: 0, v2: 0 };
	client.providers.forEach((p, i) => {
		const name = board.docs[i].name;
		const target = name.endsWith('/collective') ? collective : name.includes('/lane/') ? lanes : null;
		if (!target) return;
		target.v1 += Y.encodeStateAsUpdate(p.document).byteLength;
		target.v2 += Y.encodeStateAsUpdateV2(p.document).byteLength;
	});
	return { collective, lanes, all: { v1: collective.v1 + lanes.v1, v2: collective.v2 + lanes.v2 } };
}

/**
 * The durable log folds a document's log into a checkpoint every 500 updates
 * and when Hocuspocus stores a quiet document. It rebuilds the state from
 * storage and re-encodes it, synchronously. Times that for the 1,000-note
 * collective document, each time after one small edit so there is a tail to fold.
 */
async function timeCheckpoints(server: TestServer, client: BoardClient, board: SeededBoard, times: number): Promise<number[]> {
	const index = board.docs.findIndex((d) => d.name.endsWith('/collective'));
	const provider = client.providers[index];
	const [id] = notesMap(provider.document).keys();
	const acknowledged = () =>
		new Promise<void>((resolve) => {
			const done = () => {
				if (provider.unsyncedChanges > 0) return;
				provider.off('unsyncedChanges', done);
				resolve();
			};
			provider.on('unsyncedChanges', done);
			done();
		});
	// The note goes back to its seeded place afterwards: the Chromium sections look for every note where it was seeded.
	const seeded = board.lanes.find((l) => l.key === 'collective')?.notes.find((n) => n.id === id);
	const out: number[] = [];
	for (let i = 0; i < times; i++) {
		placeNote(provider.document, id as NoteId, { x: 16 + 8 * (i + 1), y: 16 }, 'collective');
		await acknowledged();
		await pause(50);
		const t0 = performance.now();
		await server.zwerm.durable.checkpoint(board.docs[index].name);
		out.push(performance.now() - t0);
	}
	if (seeded) {
		placeNote(provider.document, id as NoteId, { x: seeded.x, y: seeded.y }, 'collective');
		await acknowledged();
	}
	return out;
}
