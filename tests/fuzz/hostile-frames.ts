import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { MessageType, SyncStep, authFrame, syncStep1Frame, syncStep2Frame, updateFrame } from '../helpers/protocol.ts';

/**
 * A generator of hostile Hocuspocus frames and a driver that sends them over
 * many short-lived raw websockets. Shared by tests/integration/hostile-input
 * (bounded) and bench/fuzz.ts (`npm run fuzz`, runs for a while).
 */

export type Rng = () => number;

/** mulberry32: small, seedable, good enough to pick bytes. */
export function makeRng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const int = (rng: Rng, max: number) => Math.floor(rng() * max);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];

function randomBytes(rng: Rng, length: number): Uint8Array {
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = int(rng, 256);
	return out;
}

/** Client ids the fuzz writes with: any of them in a stored honest document is a forgery. */
export const HOSTILE_CLIENT_BASE = 900_000_000;

/** Updates no honest client would send: gaps, unknown anchors, deletes of unknown items, and plain ones. */
function sampleUpdates(): Uint8Array[] {
	const updates: Uint8Array[] = [];
	// A plain update from a hostile client (valid on its own).
	const plain = new Y.Doc();
	plain.clientID = HOSTILE_CLIENT_BASE + 1;
	plain.getMap('notes').set('Hostile-note-0001', 'vervalst');
	plain.getText('t').insert(0, 'aanval');
	updates.push(Y.encodeStateAsUpdate(plain));
	// A gap: the first change starts at clock 50.
	const gap = new Y.Doc();
	gap.clientID = HOSTILE_CLIENT_BASE + 2;
	gap.getText('filler').insert(0, 'x'.repeat(50));
	gap.getMap('notes').set('Hostile-note-0002', 'gat');
	updates.push(Y.encodeStateAsUpdate(gap, Y.encodeStateVector(new Map([[gap.clientID, 50]]))));
	// Anchored to an item the server never saw.
	const ghost = new Y.Doc();
	ghost.clientID = HOSTILE_CLIENT_BASE + 3;
	ghost.getText('t').insert(0, 'onzichtbaar');
	const anchored = new Y.Doc();
	anchored.clientID = HOSTILE_CLIENT_BASE + 4;
	Y.applyUpdate(anchored, Y.encodeStateAsUpdate(ghost));
	anchored.getText('t').insert(5, 'X');
	updates.push(Y.encodeStateAsUpdate(anchored, Y.encodeStateVector(ghost)));
	// Deletes items the server does not have.
	const deleter = new Y.Doc();
	deleter.clientID = HOSTILE_CLIENT_BASE + 5;
	deleter.getText('t').insert(0, 'weg');
	const before = Y.encodeStateVector(deleter);
	deleter.getText('t').delete(0, 3);
	updates.push(Y.encodeStateAsUpdate(deleter, before));
	return updates;
}

function frame(documentName: string, type: number, write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, documentName);
	encoding.writeVarUint(e, type);
	write(e);
	return encoding.toUint8Array(e);
}

export interface HostileFrame {
	readonly kind: string;
	readonly data: Uint8Array | string;
	readonly binary: boolean;
}

/** Kinds that keep a valid document address; `forged-update` is rarer since it ends the connection. */
const DEEP_KINDS = [
	'truncated',
	'truncated',
	'bit-flipped',
	'bit-flipped',
	'bit-flipped',
	'bit-flipped',
	'unknown-type',
	'garbage-update',
	'garbage-update',
	'overlong-varint',
	'lying-length',
	'garbage-auth',
	'forged-update'
] as const;

export const FRAME_KINDS = [
	'random',
	'empty',
	'text',
	'truncated',
	'bit-flipped',
	'unknown-type',
	'garbage-update',
	'forged-update',
	'overlong-varint',
	'lying-length',
	'garbage-auth',
	'oversized'
] as const;

/** Makes hostile frames for the given document names; `maxPayload` is the server's frame limit. */
export function frameGenerator(rng: Rng, options: { docNames: readonly string[]; maxPayload: number; oversizedShare?: number }) {
	const updates = sampleUpdates();
	const oversizedShare = options.oversizedShare ?? 0.002;
	const validFrames = (doc: string): Uint8Array[] => [
		authFrame(doc, 'not-a-token'),
		syncStep1Frame(doc, new Uint8Array([0])),
		...updates.map((u) => updateFrame(doc, u)),
		...updates.map((u) => syncStep2Frame(doc, u)),
		frame(doc, MessageType.Awareness, (e) => encoding.writeVarUint8Array(e, new Uint8Array([1, 200, 1, 0, 2, 123, 125]))),
		frame(doc, MessageType.Stateless, (e) => encoding.writeVarString(e, '{"x":1}'))
	];
	const pools = new Map(options.docNames.map((doc) => [doc, validFrames(doc)]));
	let preferred: string | null = null;
	const docOf = () => {
		if (preferred !== null && rng() < 0.8) return preferred;
		return rng() < 0.1 ? `fuzz/${int(rng, 1000)}` : pick(rng, options.docNames);
	};
	const valid = (doc: string) => pick(rng, pools.get(doc) ?? validFrames(doc));

	const prefixLength = (doc: string) => encoding.encode((e) => encoding.writeVarString(e, doc)).length;

	/**
	 * The next frame. With `doc_` (the document the connection authenticated
	 * for), mostly frames that keep a valid document address, so they reach
	 * the sync code instead of ending the connection at the first byte.
	 */
	return function next(doc_?: string): HostileFrame {
		preferred = doc_ ?? null;
		if (rng() < oversizedShare) {
			return { kind: 'oversized', data: randomBytes(rng, options.maxPayload + 1 + int(rng, 4096)), binary: true };
		}
		const kind = pick(rng, preferred !== null && rng() < 0.9 ? DEEP_KINDS : FRAME_KINDS.slice(0, -1));
		const doc = docOf();
		// Deep frames keep the address intact and damage what follows it.
		const keep = preferred !== null ? prefixLength(doc) + 1 : 0;
		switch (kind) {
			case 'random':
				return { kind, data: randomBytes(rng, int(rng, 256)), binary: true };
			case 'empty':
				return { kind, data: new Uint8Array(0), binary: true };
			case 'text':
				return { kind, data: String.fromCharCode(...randomBytes(rng, int(rng, 64))), binary: false };
			case 'truncated': {
				const whole = valid(doc);
				return { kind, data: whole.slice(0, Math.min(whole.length - 1, keep + int(rng, whole.length - keep))), binary: true };
			}
			case 'bit-flipped': {
				const data = valid(doc).slice();
				const span = Math.max(1, data.length - keep);
				for (let i = 1 + int(rng, 4); i > 0; i--) data[Math.min(data.length - 1, keep + int(rng, span))] ^= 1 << int(rng, 8);
				return { kind, data, binary: true };
			}
			case 'unknown-type':
				return { kind, data: frame(doc, 9 + int(rng, 1 << 20), (e) => encoding.writeUint8Array(e, randomBytes(rng, int(rng, 64)))), binary: true };
			case 'garbage-update': {
				const build = rng() < 0.5 ? updateFrame : syncStep2Frame;
				return { kind, data: build(doc, randomBytes(rng, int(rng, 128))), binary: true };
			}
			case 'forged-update': {
				const build = rng() < 0.5 ? updateFrame : syncStep2Frame;
				return { kind, data: build(doc, pick(rng, updates)), binary: true };
			}
			case 'overlong-varint':
				return { kind, data: frame(doc, MessageType.Sync, (e) => encoding.writeUint8Array(e, new Uint8Array(12).fill(255))), binary: true };
			case 'lying-length':
				return {
					kind,
					data: frame(doc, MessageType.Sync, (e) => {
						encoding.writeVarUint(e, SyncStep.Update);
						encoding.writeVarUint(e, 2 ** 31 + int(rng, 2 ** 20));
						encoding.writeUint8Array(e, randomBytes(rng, 16));
					}),
					binary: true
				};
			case 'garbage-auth':
				return { kind, data: authFrame(doc, String.fromCharCode(...randomBytes(rng, int(rng, 200)))), binary: true };
			default:
				throw new Error(`unknown kind ${kind}`);
		}
	};
}

/** Who a hostile connection may authenticate as before it turns hostile. */
export interface FuzzIdentity {
	readonly doc: string;
	readonly token: string;
}

export interface FuzzOptions {
	readonly wsUrl: string;
	readonly docNames: readonly string[];
	/** Some connections authenticate as one of these first (so their frames reach the sync code). */
	readonly identities: readonly FuzzIdentity[];
	readonly maxPayload: number;
	readonly seed?: number;
	/** Stop after this many frames... */
	readonly frames?: number;
	/** ...or after this many milliseconds, whichever comes first. */
	readonly durationMs?: number;
	readonly concurrency?: number;
	readonly framesPerConnection?: number;
	readonly oversizedShare?: number;
}

export interface FuzzResult {
	frames: number;
	connections: number;
	upgradeFailures: number;
	byKind: Record<string, number>;
	/** How each connection ended, by close code and reason seen by the client. */
	closes: Record<string, number>;
	elapsedMs: number;
}

/** Sends hostile frames over many raw connections, `concurrency` at a time. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
	const rng = makeRng(options.seed ?? 1);
	const next = frameGenerator(rng, options);
	const limitFrames = options.frames ?? Infinity;
	const deadline = performance.now() + (options.durationMs ?? Infinity);
	const perConnection = options.framesPerConnection ?? 100;
	const result: FuzzResult = { frames: 0, connections: 0, upgradeFailures: 0, byKind: {}, closes: {}, elapsedMs: 0 };
	const started = performance.now();
	const more = () => result.frames < limitFrames && performance.now() < deadline;

	async function oneConnection(): Promise<void> {
		result.connections++;
		const ws = new WebSocket(options.wsUrl);
		ws.binaryType = 'nodebuffer';
		let closed: string | null = null;
		const ended = new Promise<void>((resolve) =>
			ws.on('close', (code, reason) => {
				closed = `${code} ${reason.toString() || '-'}`;
				resolve();
			})
		);
		ws.on('error', () => {});
		const opened = await new Promise<boolean>((resolve) => {
			ws.once('open', () => resolve(true));
			ws.once('close', () => resolve(false));
		});
		if (!opened) {
			result.upgradeFailures++;
			return;
		}
		let doc: string | undefined;
		if (options.identities.length > 0 && rng() < 0.5) {
			const who = pick(rng, options.identities);
			doc = who.doc;
			// Wait for the answer, so the hostile frames meet an established document connection.
			const answered = new Promise((r) => ws.once('message', r));
			ws.send(authFrame(who.doc, who.token));
			await Promise.race([answered, ended, new Promise((r) => setTimeout(r, 1000))]);
			ws.send(syncStep1Frame(who.doc, new Uint8Array([0])));
		}
		const count = 1 + int(rng, perConnection);
		for (let i = 0; i < count && more() && closed === null && ws.readyState === ws.OPEN; i++) {
			const f = next(doc);
			result.frames++;
			result.byKind[f.kind] = (result.byKind[f.kind] ?? 0) + 1;
			ws.send(f.data, { binary: f.binary });
			// Let the server (same process in tests) take its turn now and then.
			if (i % 8 === 7) await new Promise((r) => setImmediate(r));
		}
		// Give the server a moment to answer, then hang up if it has not.
		await Promise.race([ended, new Promise((r) => setTimeout(r, 50))]);
		if (closed === null) {
			ws.close(1000, 'fuzz-done');
			await Promise.race([ended, new Promise((r) => setTimeout(r, 200))]);
			if (closed === null) {
				ws.terminate();
				await ended;
			}
		}
		const key = closed ?? 'unknown';
		result.closes[key] = (result.closes[key] ?? 0) + 1;
	}

	async function worker(): Promise<void> {
		while (more()) await oneConnection();
	}
	await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
	result.elapsedMs = performance.now() - started;
	return result;
}
