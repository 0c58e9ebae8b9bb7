/**
 * The two framings the load clients speak, written out by hand so a client
 * costs no more than a websocket and a few buffers:
 *
 * - Hocuspocus (Zwerm): varString(documentName) + varUint(type) + payload
 *   (see @hocuspocus/server src/IncomingMessage.ts, OutgoingMessage.ts);
 *   authentication with a session token first.
 * - y-websocket (the reference relay): varUint(type) + payload; the document
 *   is the URL path; no authentication.
 *
 * The message types and payloads (y-protocols sync and awareness) are the same.
 */
import * as encoding from 'lib0/encoding';

export type Framing = 'hocuspocus' | 'y-websocket';

export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, SyncReply: 4, Close: 7, SyncStatus: 8 } as const;
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const;
/** Hocuspocus auth sub-messages (@hocuspocus/common AuthMessageType). */
export const AuthType = { Token: 0, PermissionDenied: 1, Authenticated: 2 } as const;

function frame(framing: Framing, documentName: string, type: number, write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	if (framing === 'hocuspocus') encoding.writeVarString(e, documentName);
	encoding.writeVarUint(e, type);
	write(e);
	return encoding.toUint8Array(e);
}

export const authFrame = (documentName: string, token: string): Uint8Array =>
	frame('hocuspocus', documentName, MessageType.Auth, (e) => {
		encoding.writeVarUint(e, AuthType.Token);
		encoding.writeVarString(e, token);
	});

/** Sync step 1 with an empty state vector: "send me everything". */
export const syncStep1Frame = (framing: Framing, documentName: string): Uint8Array =>
	frame(framing, documentName, MessageType.Sync, (e) => {
		encoding.writeVarUint(e, SyncStep.Step1);
		encoding.writeVarUint8Array(e, new Uint8Array([0]));
	});

export const updateFrame = (framing: Framing, documentName: string, update: Uint8Array): Uint8Array =>
	frame(framing, documentName, MessageType.Sync, (e) => {
		encoding.writeVarUint(e, SyncStep.Update);
		encoding.writeVarUint8Array(e, update);
	});

/** One client's awareness state, encoded as y-protocols' encodeAwarenessUpdate does. */
export const awarenessFrame = (framing: Framing, documentName: string, clientId: number, clock: number, state: unknown): Uint8Array =>
	frame(framing, documentName, MessageType.Awareness, (e) => {
		const inner = encoding.createEncoder();
		encoding.writeVarUint(inner, 1);
		encoding.writeVarUint(inner, clientId);
		encoding.writeVarUint(inner, clock);
		encoding.writeVarString(inner, JSON.stringify(state));
		encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	});

/** Reads a lib0 varuint at `pos`; returns the value and the next position in `out`. */
export function readVarUint(data: Uint8Array, pos: number, out: { value: number; next: number }): boolean {
	let value = 0;
	let shift = 0;
	while (pos < data.length && shift < 35) {
		const byte = data[pos++];
		value += (byte & 0x7f) * 2 ** shift;
		if (byte < 0x80) {
			out.value = value;
			out.next = pos;
			return true;
		}
		shift += 7;
	}
	return false;
}

const scratch = { value: 0, next: 0 };

/** The message type and where its payload starts; null for a frame too short to tell. */
export function messageHeader(framing: Framing, data: Uint8Array): { type: number; pos: number } | null {
	let pos = 0;
	if (framing === 'hocuspocus') {
		if (!readVarUint(data, 0, scratch)) return null;
		pos = scratch.next + scratch.value;
	}
	if (!readVarUint(data, pos, scratch)) return null;
	return { type: scratch.value, pos: scratch.next };
}

/** A varString at `pos` (Hocuspocus auth replies carry the scope or the reason). */
export function readVarStringAt(data: Uint8Array, pos: number): string {
	if (!readVarUint(data, pos, scratch)) return '';
	return Buffer.from(data.buffer, data.byteOffset + scratch.next, scratch.value).toString('utf8');
}

// ---------------------------------------------------------------------------
// Markers: each writer update carries `~Lz<writer:3><seq:6><sent µs:11>~` as
// note text. Yjs writes a string's UTF-8 bytes contiguously into the update
// (ContentString), and merging updates keeps them, so a receiver finds every
// update it was sent by searching the raw frame: no decoding on the hot path.
// Sender and receivers share this process and its clock (performance.now()).
// ---------------------------------------------------------------------------

const PREFIX = '~Lz';
const PREFIX_BYTES = Buffer.from(PREFIX, 'latin1');
export const MARKER_LENGTH = PREFIX.length + 3 + 6 + 11 + 1;

export function marker(writer: number, seq: number, sentUs: number): string {
	return `${PREFIX}${String(writer).padStart(3, '0')}${String(seq).padStart(6, '0')}${String(Math.round(sentUs)).padStart(11, '0')}~`;
}

function digits(data: Buffer, from: number, count: number): number {
	let n = 0;
	for (let i = from; i < from + count; i++) {
		const c = data[i] - 48;
		if (c < 0 || c > 9) return -1;
		n = n * 10 + c;
	}
	return n;
}

/** Calls `found` for every marker in `data` from `pos` on. */
export function findMarkers(data: Buffer, pos: number, found: (writer: number, seq: number, sentUs: number) => void): void {
	for (let at = data.indexOf(PREFIX_BYTES, pos); at !== -1; at = data.indexOf(PREFIX_BYTES, at + 1)) {
		if (at + MARKER_LENGTH > data.length || data[at + MARKER_LENGTH - 1] !== 0x7e) continue;
		const writer = digits(data, at + 3, 3);
		const seq = digits(data, at + 6, 6);
		const sent = digits(data, at + 12, 11);
		if (writer < 0 || seq < 0 || sent < 0) continue;
		found(writer, seq, sent);
	}
}

// ---------------------------------------------------------------------------
// Pointer probes: a pointer's x and y carry its send time (ms since this
// process started, to the millisecond): x = t mod 1000, y = floor(t / 1000).
// Whole board units inside Samen's region, which the server keeps as they are
// (server/extensions/access.ts rounds a pointer to whole units and clamps it to
// the region: fractions would lose the time).
// ---------------------------------------------------------------------------

export function pointerAt(tMs: number): { x: number; y: number } {
	const t = Math.floor(tMs);
	return { x: t % 1000, y: Math.floor(t / 1000) };
}

export function pointerTime(x: number, y: number): number {
	return y * 1000 + x;
}

/**
 * Walks an awareness update (count, then clientId, clock, JSON per state)
 * without parsing the JSON, except for the clients `wanted` picks.
 * Returns how many states the update holds.
 */
export function scanAwareness(data: Uint8Array, pos: number, wanted: ((clientId: number) => boolean) | null, found: (clientId: number, json: string) => void): number {
	const r = { value: 0, next: 0 };
	if (!readVarUint(data, pos, r)) return 0; // length of the varUint8Array
	pos = r.next;
	if (!readVarUint(data, pos, r)) return 0;
	const count = r.value;
	pos = r.next;
	if (!wanted) return count;
	for (let i = 0; i < count; i++) {
		if (!readVarUint(data, pos, r)) break;
		const clientId = r.value;
		if (!readVarUint(data, r.next, r)) break; // clock
		if (!readVarUint(data, r.next, r)) break; // JSON length
		const start = r.next;
		const end = start + r.value;
		if (wanted(clientId)) found(clientId, Buffer.from(data.buffer, data.byteOffset + start, r.value).toString('utf8'));
		pos = end;
	}
	return count;
}
