/**
 * Memory per connection and per loaded board, and whether idle boards are
 * unloaded, measured in a fresh server child: heap after garbage collection
 * (`global.gc()` twice in the child) and resident size, before and after.
 */
import * as Y from 'yjs';
import type { MemberId } from '#lib/domain/ids.ts';
import { writeNotes, prng } from '../seed.ts';
import { spawnServer, type ServerChild, type ServerKind } from './child.ts';
import { LoadClient, openAll, targetOf, type Identity } from './clients.ts';
import type { ServerStats } from './ipc.ts';
import { waitUnloaded } from './phase.ts';

export interface BoardSpec {
	readonly documentName: string;
	/** Who opens it (Zwerm: the facilitator of its practice). */
	readonly identity: Identity;
	/** The notes, as one Yjs update. */
	readonly content: Uint8Array;
}

export interface MemoryResult {
	readonly server: ServerKind;
	readonly connections: number;
	/** Growth per idle connection (authenticated, synced, one pointer announced), bytes. */
	readonly perConnection: { readonly heap: number; readonly rss: number; readonly external: number };
	readonly boards: number;
	/** Growth per board loaded with one connection, bytes. */
	readonly perBoard: { readonly heap: number; readonly rss: number; readonly external: number };
	/** Unloading after the last connection left: documents loaded right after leaving, ms until none. */
	readonly unloadAfterConnections: { readonly first: number; readonly ms: number | null };
	readonly unloadAfterBoards: { readonly first: number; readonly ms: number | null };
	readonly baseline: { readonly heap: number; readonly rss: number };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A board's notes as one update (deterministic per seed), written by `by`: the server refuses notes that name another author (schema-check.ts). */
export function boardContent(notes: number, seed: number, by: MemberId): Uint8Array {
	const doc = new Y.Doc();
	writeNotes(doc, notes, by, prng(seed));
	return Y.encodeStateAsUpdate(doc);
}

/** Writes every board's content into Zwerm (stored in its log), waiting for each acknowledgement. */
export async function seedBoards(child: ServerChild, boards: readonly BoardSpec[]): Promise<void> {
	const target = targetOf(child);
	for (const board of boards) {
		const client = new LoadClient(target, board.documentName, board.identity, 0, -1);
		await client.open();
		client.sendUpdate(board.content);
		const deadline = Date.now() + 30000;
		while (client.acks === 0) {
			if (Date.now() > deadline) throw new Error(`seeding ${board.documentName}: not acknowledged`);
			await sleep(10);
		}
		client.terminate();
	}
	await waitUnloaded(child, 30000);
}

const per = (a: ServerStats, b: ServerStats, n: number) => ({
	heap: (b.heapUsed - a.heapUsed) / n,
	rss: (b.rss - a.rss) / n,
	external: (b.external - a.external) / n
});

export async function measureMemory(
	kind: ServerKind,
	env: NodeJS.ProcessEnv,
	documentName: string,
	identities: readonly Identity[],
	boards: readonly BoardSpec[],
	unloadTimeoutMs: number
): Promise<MemoryResult> {
	const child = await spawnServer(kind, env);
	try {
		const target = targetOf(child);
		// Connections: the board is loaded by a first one, then N more join it and sit idle.
		const [first, ...rest] = identities.map((id, i) => new LoadClient(target, documentName, id, i, -1));
		await first.open();
		first.sendPointer();
		await sleep(500);
		const a = await child.gcStats();
		await openAll(rest);
		for (const c of rest) c.sendPointer();
		await sleep(1500);
		const b = await child.gcStats();
		for (const c of [first, ...rest]) c.terminate();
		const unloadAfterConnections = await waitUnloaded(child, unloadTimeoutMs);

		// Boards: each opened by one client (Zwerm loads it from SQLite; the relay is sent its content).
		await sleep(500);
		const c = await child.gcStats();
		const openers = boards.map((board, i) => new LoadClient(target, board.documentName, board.identity, i, -1));
		await openAll(openers, 5);
		if (kind === 'reference') openers.forEach((o, i) => o.sendUpdate(boards[i].content));
		await sleep(1500);
		const d = await child.gcStats();
		for (const o of openers) o.terminate();
		const unloadAfterBoards = await waitUnloaded(child, unloadTimeoutMs);

		return {
			server: kind,
			connections: rest.length,
			perConnection: per(a, b, rest.length),
			boards: boards.length,
			perBoard: per(c, d, boards.length),
			unloadAfterConnections,
			unloadAfterBoards,
			baseline: { heap: c.heapUsed, rss: c.rss }
		};
	} finally {
		await child.stop();
	}
}

/** The boards' documents and who opens them, from Zwerm's setup. */
export function boardSpecs(
	practices: readonly { practiceId: string; boards: readonly string[]; facilitator: Identity }[],
	count: number,
	notes: number,
	documentName: (practiceId: string, boardId: string) => string
): BoardSpec[] {
	const specs: BoardSpec[] = [];
	for (const p of practices) {
		for (const boardId of p.boards) {
			if (specs.length === count) return specs;
			specs.push({ documentName: documentName(p.practiceId, boardId), identity: p.facilitator, content: boardContent(notes, 1000 + specs.length, p.facilitator.memberId as MemberId) });
		}
	}
	return specs;
}
