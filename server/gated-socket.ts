import type { WebSocket } from 'ws';
import type { WebSocketLike } from '@hocuspocus/server';
import { CloseReason } from './close-reasons.ts';

/**
 * The socket Hocuspocus writes to. Hocuspocus acknowledges an update right
 * after applying it; Zwerm's durable log writes it a moment later. While a
 * write for this socket is in flight, everything the server sends it waits
 * behind that write, so a client is never told "saved" before the update is
 * on disk. If the write fails, the socket closes and nothing queued is sent:
 * the client keeps the change as unsaved and sends it again on reconnect.
 */
export class GatedSocket implements WebSocketLike {
	private inFlight = 0;
	private queue: (string | ArrayBufferLike | ArrayBufferView | Blob)[] = [];
	private failed = false;

	readonly ws: WebSocket;
	private readonly maxBufferedBytes: number;
	private readonly onSlowReader: () => void;
	/** Told how long each hold lasted: from the first write in flight until the last one settled. */
	private readonly onHeld: ((ms: number) => void) | undefined;
	private heldSince = 0;

	/**
	 * `maxBufferedBytes`: a client that lets more than this wait unread is
	 * closed as a slow reader (`onSlowReader` is told) instead of costing
	 * the server unbounded memory.
	 */
	constructor(ws: WebSocket, options: { maxBufferedBytes?: number; onSlowReader?: () => void; onHeld?: (ms: number) => void } = {}) {
		this.ws = ws;
		this.maxBufferedBytes = options.maxBufferedBytes ?? Infinity;
		this.onSlowReader = options.onSlowReader ?? (() => {});
		this.onHeld = options.onHeld;
	}

	get readyState(): number {
		return this.ws.readyState;
	}

	send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
		if (this.failed) return;
		if (this.inFlight > 0) this.queue.push(data);
		else this.write(data);
	}

	private write(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
		if (this.ws.bufferedAmount > this.maxBufferedBytes) {
			this.fail(CloseReason.SlowReader.code, CloseReason.SlowReader.reason);
			this.onSlowReader();
			return;
		}
		this.ws.send(data as Buffer);
	}

	close(code?: number, reason?: string): void {
		this.ws.close(code, reason);
	}

	/**
	 * Holds everything sent from now on until `gate` settles. A rejection with
	 * a `{ code, reason }` closes the socket with that code; any other rejection
	 * means the write failed (`storage-failed`).
	 */
	hold(gate: Promise<unknown>): void {
		if (this.inFlight++ === 0) this.heldSince = performance.now();
		gate.then(
			() => {
				this.inFlight--;
				if (this.inFlight === 0 && !this.failed) {
					this.onHeld?.(performance.now() - this.heldSince);
					this.drain();
				}
			},
			(error: unknown) => {
				const e = error as { code?: unknown; reason?: unknown; farewell?: unknown } | null;
				if (typeof e?.code === 'number' && typeof e.reason === 'string') {
					this.fail(e.code, e.reason, e.farewell instanceof Uint8Array ? e.farewell : undefined);
				} else this.fail();
			}
		);
	}

	private drain(): void {
		const queued = this.queue;
		this.queue = [];
		for (const data of queued) {
			if (this.ws.readyState !== this.ws.OPEN || this.failed) return;
			this.write(data);
		}
	}

	/**
	 * Drops everything not yet sent (acknowledgements above all) and closes the
	 * socket; an honest client reconnects and syncs. `farewell`, if given, is
	 * the one message still sent first (Hocuspocus' close message naming why).
	 */
	fail(
		code: number = CloseReason.StorageFailed.code,
		reason: string = CloseReason.StorageFailed.reason,
		farewell?: Uint8Array
	): void {
		if (this.failed) return;
		this.failed = true;
		this.queue = [];
		if (farewell && this.ws.readyState === this.ws.OPEN) this.ws.send(farewell);
		this.ws.close(code, reason);
	}
}
