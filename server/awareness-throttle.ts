import { IncomingMessage, MessageType } from '@hocuspocus/server';

/**
 * Coalesces one connection's awareness frames per document when a board is
 * crowded. Awareness is state, not history: only the newest frame matters, so
 * frames arriving within `interval(document)` ms of the last one handled wait,
 * and a newer frame replaces a waiting one. Every other message passes at once,
 * in order. Hocuspocus spends most of its time on awareness when hundreds of
 * pointers move (it decodes each frame into a scratch document and copies every
 * state for its hooks), so fewer frames keep a crowded board responsive; the last
 * state of every pointer still arrives.
 */
export class AwarenessThrottle {
	private readonly interval: (documentName: string) => number;
	private readonly deliver: (frame: Uint8Array) => void;
	private readonly docs = new Map<string, { last: number; waiting: Uint8Array | null; timer: ReturnType<typeof setTimeout> | null }>();
	private closed = false;

	constructor(interval: (documentName: string) => number, deliver: (frame: Uint8Array) => void) {
		this.interval = interval;
		this.deliver = deliver;
	}

	/** Hands a frame on now, or later if it is awareness that came too soon. */
	handle(frame: Uint8Array): void {
		const documentName = awarenessDocument(frame);
		if (documentName === null) return this.deliver(frame);
		const wait = this.interval(documentName);
		const doc = this.docs.get(documentName) ?? { last: 0, waiting: null, timer: null };
		this.docs.set(documentName, doc);
		const now = performance.now();
		if (doc.timer === null && now - doc.last >= wait) {
			doc.last = now;
			return this.deliver(frame);
		}
		doc.waiting = frame.slice();
		doc.timer ??= setTimeout(() => {
			doc.timer = null;
			const waiting = doc.waiting;
			doc.waiting = null;
			if (waiting && !this.closed) {
				doc.last = performance.now();
				this.deliver(waiting);
			}
		}, Math.max(0, doc.last + wait - now));
	}

	/** The connection closed: waiting frames are dropped (Hocuspocus clears its awareness anyway). */
	close(): void {
		this.closed = true;
		for (const doc of this.docs.values()) if (doc.timer) clearTimeout(doc.timer);
		this.docs.clear();
	}
}

/** The document an awareness frame is for; null for any other (or an unreadable) frame. */
function awarenessDocument(frame: Uint8Array): string | null {
	try {
		const message = new IncomingMessage(frame);
		const name = message.readVarString();
		return message.readVarUint() === MessageType.Awareness ? name : null;
	} catch {
		return null; // Hocuspocus refuses it with a clear reason.
	}
}

/**
 * How long a pointer waits on a board with `connections` connections: not at
 * all up to 50, then about 1 ms per connection (100 → 10 Hz, 250+ → 4 Hz).
 */
export function crowdInterval(connections: number): number {
	return connections <= 50 ? 0 : Math.min(250, connections);
}
