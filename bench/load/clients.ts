/**
 * Load clients: one raw websocket per simulated editor, speaking the wire
 * protocol by hand (no provider, no Y.Doc except for writers), so a few
 * hundred of them fit in one process next to the servers under test.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { createNote, noteContent } from '#lib/domain/notes.ts';
import type { ServerChild } from './child.ts';
import {
	AuthType,
	MARKER_LENGTH,
	MessageType,
	SyncStep,
	authFrame,
	awarenessFrame,
	findMarkers,
	marker,
	messageHeader,
	pointerAt,
	pointerTime,
	readVarStringAt,
	readVarUint,
	scanAwareness,
	syncStep1Frame,
	updateFrame,
	type Framing
} from './protocol.ts';

/** Where clients connect and which framing they speak. */
export interface Target {
	readonly framing: Framing;
	url(documentName: string): string;
}

export function targetOf(child: ServerChild): Target {
	return child.kind === 'zwerm'
		? { framing: 'hocuspocus', url: () => `ws://127.0.0.1:${child.port}/collab` }
		: { framing: 'y-websocket', url: (name) => `ws://127.0.0.1:${child.port}/${name}` };
}

/** Who an editor is: a member of the practice (Zwerm needs the token). */
export interface Identity {
	readonly memberId: string;
	readonly name: string;
	readonly token: string;
}

/** Receives what clients decode; the Recorder below, or nothing. */
export interface Sink {
	received(bytes: number): void;
	update(client: LoadClient, data: Buffer, pos: number, nowMs: number): void;
	awareness(client: LoadClient, data: Buffer, pos: number, nowMs: number): void;
}

const NULL_SINK: Sink = { received() {}, update() {}, awareness() {} };

let nextClientId = Math.floor(Math.random() * 2 ** 29);
const varuint = { value: 0, next: 0 };

export class LoadClient {
	/** Position among the phase's editors (receiver index). */
	readonly index: number;
	/** Writer number, or -1 for an editor that only moves its pointer. */
	readonly writer: number;
	/** The awareness client id this editor announces its pointer under. */
	readonly clientId = nextClientId++;
	/** Records this editor's pointer latencies (a sample of receivers does). */
	sampled = false;
	closed: { code: number; reason: string } | null = null;
	/** SyncStatus messages received: Zwerm acknowledges each applied update. */
	acks = 0;

	private ws: WebSocket | null = null;
	private clock = 0;
	private synced = false;
	private readonly target: Target;
	private readonly documentName: string;
	private readonly identity: Identity;
	private readonly sink: Sink;
	private readonly state: { user: { name: string; color: string; memberId: string }; pointer: { lane: string; x: number; y: number } };
	private settle: ((error?: Error) => void) | null = null;

	constructor(target: Target, documentName: string, identity: Identity, index: number, writer: number, sink: Sink = NULL_SINK) {
		this.target = target;
		this.documentName = documentName;
		this.identity = identity;
		this.index = index;
		this.writer = writer;
		this.sink = sink;
		this.state = { user: { name: identity.name, color: '#5b5bd6', memberId: identity.memberId }, pointer: { lane: 'collective', x: 0, y: 0 } };
	}

	get framing(): Framing {
		return this.target.framing;
	}

	/** Connects, authenticates (Zwerm) and completes the first sync step: the whole document arrives. */
	open(timeoutMs = 60000): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => finish(new Error(`${this.documentName}: not synced within ${timeoutMs} ms`)), timeoutMs);
			const finish = (error?: Error) => {
				if (!this.settle) return;
				this.settle = null;
				clearTimeout(timer);
				if (error) reject(error);
				else resolve();
			};
			this.settle = finish;
			const ws = new WebSocket(this.target.url(this.documentName), { perMessageDeflate: false });
			this.ws = ws;
			ws.binaryType = 'nodebuffer';
			ws.on('open', () => {
				if (this.framing === 'hocuspocus') ws.send(authFrame(this.documentName, this.identity.token));
				else ws.send(syncStep1Frame(this.framing, this.documentName));
			});
			ws.on('message', (data: Buffer) => this.receive(data));
			ws.on('close', (code, reason) => {
				this.closed = { code, reason: reason.toString() };
				this.settle?.(new Error(`closed before sync: ${code} ${reason.toString()}`));
			});
			ws.on('error', (error) => this.settle?.(error));
		});
	}

	private receive(data: Buffer): void {
		const now = performance.now();
		this.sink.received(data.length);
		const header = messageHeader(this.framing, data);
		if (!header) return;
		switch (header.type) {
			case MessageType.Sync:
			case MessageType.SyncReply: {
				if (!readVarUint(data, header.pos, varuint)) return;
				if (varuint.value === SyncStep.Update) this.sink.update(this, data, varuint.next, now);
				else if (varuint.value === SyncStep.Step2 && !this.synced) {
					this.synced = true;
					this.settle?.();
				}
				return;
			}
			case MessageType.Awareness:
				this.sink.awareness(this, data, header.pos, now);
				return;
			case MessageType.SyncStatus:
				this.acks++;
				return;
			case MessageType.Auth: {
				if (!readVarUint(data, header.pos, varuint)) return;
				if (varuint.value === AuthType.Authenticated) this.ws!.send(syncStep1Frame(this.framing, this.documentName));
				else if (varuint.value === AuthType.PermissionDenied) this.settle?.(new Error(`permission denied: ${readVarStringAt(data, varuint.next)}`));
				return;
			}
		}
	}

	/** Announces the pointer, its send time encoded in x and y (see protocol.ts). */
	sendPointer(): void {
		const p = pointerAt(performance.now());
		this.state.pointer.x = p.x;
		this.state.pointer.y = p.y;
		this.send(awarenessFrame(this.framing, this.documentName, this.clientId, ++this.clock, this.state));
	}

	sendUpdate(update: Uint8Array): void {
		this.send(updateFrame(this.framing, this.documentName, update));
	}

	private send(frame: Uint8Array): void {
		if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
	}

	/** Bytes this client has queued but not yet written to its socket. */
	get buffered(): number {
		return this.ws?.bufferedAmount ?? 0;
	}

	terminate(): void {
		this.ws?.removeAllListeners('close');
		this.ws?.on('close', () => {});
		this.ws?.terminate();
	}
}

/**
 * One of the ten writers: a real Y.Doc with a note of its own. Every write
 * replaces the marker at the end of the note's text (delete + insert in one
 * transaction: typing, and the document does not grow).
 */
export class Writer {
	readonly client: LoadClient;
	/** Sequence number of the next write. */
	seq = 0;
	private readonly doc = new Y.Doc();
	private text: Y.XmlText | null = null;
	private base = 0;
	private last: Uint8Array | null = null;

	constructor(client: LoadClient) {
		this.client = client;
		this.doc.on('update', (update: Uint8Array) => (this.last = update));
	}

	/** Creates the writer's note and sends it; with Zwerm, waits for the acknowledgement (it is on disk). */
	async createNote(memberId: string, waitForAck: boolean): Promise<void> {
		const w = this.client.writer;
		const id: NoteId = createNote(this.doc, { createdBy: memberId as MemberId, at: Date.now(), text: `Notitie van schrijver ${w + 1}: `, x: (w + 1) / 12, y: 0.5 });
		const paragraph = noteContent(this.doc, id).get(0) as Y.XmlElement;
		this.text = paragraph.get(0) as Y.XmlText;
		this.base = this.text.length;
		const before = this.client.acks;
		this.client.sendUpdate(Y.encodeStateAsUpdate(this.doc));
		if (!waitForAck) return;
		const deadline = Date.now() + 30000;
		while (this.client.acks === before) {
			if (Date.now() > deadline) throw new Error(`writer ${w}: note not acknowledged`);
			await new Promise((r) => setTimeout(r, 10));
		}
	}

	/** One write; the marker carries the send time. Returns the sequence number written. */
	write(): number {
		const text = this.text!;
		const seq = this.seq++;
		this.doc.transact(() => {
			if (text.length > this.base) text.delete(this.base, MARKER_LENGTH);
			text.insert(this.base, marker(this.client.writer, seq, performance.now() * 1000));
		});
		this.client.sendUpdate(this.last!);
		return seq;
	}
}

/** Traffic received by all clients together while recording. */
export interface Traffic {
	messages: number;
	bytes: number;
	updateMessages: number;
	awarenessMessages: number;
	awarenessStates: number;
}

/**
 * Counts and times what the clients receive. A writer update counts as
 * delivered to an editor once (a bitmap per editor, writer and sequence
 * number); only updates sent during the measured window count. Expected:
 * each measured update at every editor except its writer.
 */
export class Recorder implements Sink {
	readonly editors: number;
	readonly writers: number;
	readonly capacity: number;
	/** Set by the phase: updates sent from now on are measured. */
	measuring = false;
	/** Pointer latencies and traffic are recorded only while this is set. */
	recording = false;
	measuredSent = 0;
	delivered = 0;
	duplicates = 0;
	/** Fan-out latency (ms) of every measured delivery. */
	readonly latencies: number[] = [];
	/** The same, split by receiver: editors that write themselves (Zwerm holds their socket while their own update is being stored). */
	readonly latenciesAtWriters: number[] = [];
	readonly pointerLatencies: number[] = [];
	readonly traffic: Traffic = { messages: 0, bytes: 0, updateMessages: 0, awarenessMessages: 0, awarenessStates: 0 };
	/** Awareness client ids whose pointer latency is measured (the writers'). */
	readonly probes = new Set<number>();
	private readonly seen: Uint8Array;
	private readonly measured: Uint8Array;

	constructor(editors: number, writers: number, capacity: number) {
		this.editors = editors;
		this.writers = writers;
		this.capacity = capacity;
		this.seen = new Uint8Array(editors * writers * capacity);
		this.measured = new Uint8Array(writers * capacity);
	}

	get expected(): number {
		return this.measuredSent * (this.editors - 1);
	}

	/** Called by the driver for every write. */
	sent(writer: number, seq: number): void {
		if (!this.measuring || seq >= this.capacity) return;
		this.measured[writer * this.capacity + seq] = 1;
		this.measuredSent++;
	}

	received(bytes: number): void {
		if (!this.recording) return;
		this.traffic.messages++;
		this.traffic.bytes += bytes;
	}

	update(client: LoadClient, data: Buffer, pos: number, nowMs: number): void {
		if (this.recording) this.traffic.updateMessages++;
		findMarkers(data, pos, (writer, seq, sentUs) => {
			if (writer === client.writer || writer >= this.writers || seq >= this.capacity) return;
			if (!this.measured[writer * this.capacity + seq]) return;
			const k = (client.index * this.writers + writer) * this.capacity + seq;
			if (this.seen[k]) {
				this.duplicates++;
				return;
			}
			this.seen[k] = 1;
			this.delivered++;
			const latency = nowMs - sentUs / 1000;
			this.latencies.push(latency);
			if (client.writer >= 0) this.latenciesAtWriters.push(latency);
		});
	}

	awareness(client: LoadClient, data: Buffer, pos: number, nowMs: number): void {
		if (!this.recording) return;
		this.traffic.awarenessMessages++;
		const wanted = client.sampled ? (id: number) => id !== client.clientId && this.probes.has(id) : null;
		this.traffic.awarenessStates += scanAwareness(data, pos, wanted, (_, json) => {
			const pointer = (JSON.parse(json) as { pointer?: { x?: unknown; y?: unknown } | null } | null)?.pointer;
			if (pointer && typeof pointer.x === 'number' && typeof pointer.y === 'number') {
				this.pointerLatencies.push(nowMs - pointerTime(pointer.x, pointer.y));
			}
		});
	}
}

/**
 * Sends the load: every editor's pointer at `pointerHz`, every writer's update
 * at `writeHz`, spread evenly over each period (editor k's turn comes k/N of a
 * period after editor 0's). A 1 ms timer sends whatever is due; if this process
 * falls more than a whole period behind, the missed sends are skipped and counted.
 */
export class Driver {
	pointersSent = 0;
	updatesSent = 0;
	pointersSkipped = 0;
	updatesSkipped = 0;
	private timer: ReturnType<typeof setInterval> | null = null;
	private readonly clients: readonly LoadClient[];
	private readonly writers: readonly Writer[];
	private readonly recorder: Recorder;
	private readonly pointerHz: number;
	private readonly writeHz: number;

	constructor(clients: readonly LoadClient[], writers: readonly Writer[], recorder: Recorder, pointerHz: number, writeHz: number) {
		this.clients = clients;
		this.writers = writers;
		this.recorder = recorder;
		this.pointerHz = pointerHz;
		this.writeHz = writeHz;
	}

	start(): void {
		const t0 = performance.now();
		const pointerSlot = this.pointerHz > 0 ? 1000 / this.pointerHz / this.clients.length : Infinity;
		const writeSlot = this.writers.length ? 1000 / this.writeHz / this.writers.length : Infinity;
		let pointerTurns = 0;
		let writeTurns = 0;
		const tick = () => {
			const elapsed = performance.now() - t0;
			const pointersDue = pointerSlot === Infinity ? 0 : Math.floor(elapsed / pointerSlot) + 1;
			if (pointersDue - pointerTurns > this.clients.length) {
				this.pointersSkipped += pointersDue - this.clients.length - pointerTurns;
				pointerTurns = pointersDue - this.clients.length;
			}
			const writesDue = writeSlot === Infinity ? 0 : Math.floor(elapsed / writeSlot) + 1;
			if (writesDue - writeTurns > this.writers.length) {
				this.updatesSkipped += writesDue - this.writers.length - writeTurns;
				writeTurns = writesDue - this.writers.length;
			}
			// Writes first: they are what is timed; the pointer traffic is the background.
			while (writeTurns < writesDue) {
				const writer = this.writers[writeTurns++ % this.writers.length];
				this.recorder.sent(writer.client.writer, writer.write());
				this.updatesSent++;
			}
			while (pointerTurns < pointersDue) {
				this.clients[pointerTurns++ % this.clients.length].sendPointer();
				this.pointersSent++;
			}
		};
		tick();
		this.timer = setInterval(tick, 1);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}
}

/** Opens clients `concurrency` at a time. */
export async function openAll(clients: readonly LoadClient[], concurrency = 25): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, clients.length) }, async () => {
			while (next < clients.length) await clients[next++].open();
		})
	);
}
