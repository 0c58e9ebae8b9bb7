import { OutgoingMessage } from '@hocuspocus/server';
import type { Extension, beforeSyncPayload, onChangePayload } from '@hocuspocus/server';
import type { DocumentLog } from '../storage/log.ts';
import { GatedSocket } from '../gated-socket.ts';
import { CloseError, type CloseReasonName } from '../close-reasons.ts';
import { noteGrowth } from '../note-weight.ts';
import type { ConnectionContext } from './access.ts';

export interface QuotaLimits {
	/** One note's weight: characters of text plus its fields and formatting (server/note-weight.ts). */
	readonly noteWeight: number;
	/** A document's newest checkpoint plus the log after it: what loading it costs every member. */
	readonly documentBytes: number;
	/** What one member may send, in update bytes: per minute with a burst, and per hour. */
	readonly memberBytesPerMinute: number;
	readonly memberBurstBytes: number;
	readonly memberBytesPerHour: number;
}

export const QUOTA: QuotaLimits = {
	noteWeight: 64 * 1024,
	documentBytes: 20 * 1024 * 1024,
	memberBytesPerMinute: 1024 * 1024,
	memberBurstBytes: 4 * 1024 * 1024,
	memberBytesPerHour: 16 * 1024 * 1024
};

/** A document's size is read from storage again at most this often while it is near its limit (ms). */
const RECOUNT_MS = 2000;

/**
 * Quotas, checked before an update is applied (like DurableLog's checks:
 * nothing of a refused update is stored or sent to anyone), each refused with
 * its own close reason the board shows:
 * - a note may weigh at most `noteWeight` (an update that does not grow a note passes,
 *   so a note over it from before can still be shortened);
 * - a document at most `documentBytes` as loaded (checkpoint + log since: deleting
 *   frees space once the next checkpoint folds the log, Yjs dropping deleted content);
 * - a member may send at most so many update bytes per minute and per hour
 *   (counted per process; with several instances, per instance).
 */
export class Quota implements Extension {
	readonly extensionName = 'zwerm-quota';
	// Before the schema check (1010) and the log (1000): an honest note that grew too large is told so by name.
	readonly priority = 1020;
	readonly limits: QuotaLimits;
	private readonly log: DocumentLog;
	private readonly members = new Map<string, { minute: ByteBucket; hour: ByteBucket }>();
	private readonly documents = new Map<string, { bytes: number; countedAt: number }>();

	constructor(log: DocumentLog, limits: Partial<QuotaLimits> = {}) {
		this.log = log;
		this.limits = { ...QUOTA, ...limits };
	}

	async beforeSync({ type, payload, document, documentName, connection }: beforeSyncPayload): Promise<void> {
		if (type !== 1 && type !== 2) return;
		const memberId = (connection.context as Partial<ConnectionContext> | undefined)?.memberId;
		if (!memberId) return;
		const refuse = (name: CloseReasonName, detail: string): never => {
			const error = new CloseError(name, detail);
			const farewell = new OutgoingMessage(connection.messageAddress).writeCloseMessage(error.reason).toUint8Array();
			if (connection.webSocket instanceof GatedSocket) connection.webSocket.fail(error.code, error.reason, farewell);
			throw error;
		};
		let growth: ReturnType<typeof noteGrowth>;
		try {
			growth = noteGrowth(document, payload);
		} catch {
			return; // undecodable: DurableLog refuses it
		}
		if (growth.every((g) => g.added === 0)) return; // a sync that brings nothing new
		for (const g of growth) {
			const after = g.before + g.added - g.removed;
			if (after > this.limits.noteWeight && g.added > g.removed) refuse('NoteTooLarge', `a note would hold ${Math.round(after)} of ${this.limits.noteWeight}`);
		}
		const bytes = payload.byteLength;
		if ((await this.documentBytes(documentName, bytes)) + bytes > this.limits.documentBytes) {
			refuse('DocumentFull', `the document would exceed ${this.limits.documentBytes} bytes`);
		}
		const buckets = this.bucketsOf(memberId);
		if (!buckets.minute.take(bytes) || !buckets.hour.take(bytes)) refuse('WriteQuota', `more than the member's share of writes`);
	}

	/** Counts what a document has grown by (the effective update, as the log stores it). */
	async onChange({ documentName, update }: onChangePayload): Promise<void> {
		const known = this.documents.get(documentName);
		if (known) known.bytes += update.byteLength;
	}

	/** A document's size, counted from storage on first use and again when `incoming` would take it past the limit. */
	private async documentBytes(name: string, incoming: number): Promise<number> {
		const known = this.documents.get(name);
		const now = Date.now();
		if (known && (known.bytes + incoming <= this.limits.documentBytes || now - known.countedAt < RECOUNT_MS)) return known.bytes;
		const size = await this.log.size(name);
		const counted = { bytes: size.checkpointBytes + size.logBytesSinceCheckpoint, countedAt: now };
		this.documents.set(name, counted);
		if (this.documents.size > 50_000) this.documents.delete(this.documents.keys().next().value!);
		return counted.bytes;
	}

	private bucketsOf(memberId: string) {
		let b = this.members.get(memberId);
		if (!b) {
			const { memberBytesPerMinute, memberBurstBytes, memberBytesPerHour } = this.limits;
			b = { minute: new ByteBucket(memberBytesPerMinute / 60, memberBurstBytes), hour: new ByteBucket(memberBytesPerHour / 3600, memberBytesPerHour) };
			this.members.set(memberId, b);
		}
		return b;
	}
}

/** A token bucket whose tokens are bytes: takes all of `n` or nothing. */
class ByteBucket {
	private tokens: number;
	private stamp = performance.now();
	private readonly perSecond: number;
	private readonly capacity: number;

	constructor(perSecond: number, capacity: number) {
		this.perSecond = perSecond;
		this.capacity = capacity;
		this.tokens = capacity;
	}

	take(n: number, now = performance.now()): boolean {
		this.tokens = Math.min(this.capacity, this.tokens + ((now - this.stamp) / 1000) * this.perSecond);
		this.stamp = now;
		if (this.tokens < n) return false;
		this.tokens -= n;
		return true;
	}
}
