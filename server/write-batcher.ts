import type { DocumentLog, LoggedUpdate } from './storage/log.ts';

interface Entry {
	readonly update: LoggedUpdate;
	settled: boolean;
	resolve(): void;
	reject(error: unknown): void;
}

/**
 * Group commit for the update log. Updates that arrive in one event-loop
 * turn are written in one transaction. Each update's promise settles with
 * its first write attempt (that is what a client's acknowledgement waits
 * for); a failed batch is kept and retried with backoff until it is stored,
 * so the server never forgets a change it has applied.
 */
export class WriteBatcher {
	private queue: Entry[] = [];
	private writing: Promise<void> | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private scheduled = false;
	private backoffMs = 0;
	private idleWaiters: (() => void)[] = [];
	private perDoc = new Map<string, number>();
	/** Called after each stored batch with how many updates each document gained. */
	onStored: (counts: Map<string, number>) => void = () => {};
	onError: (error: unknown) => void = () => {};

	private readonly log: DocumentLog;
	private readonly maxBackoffMs: number;

	constructor(log: DocumentLog, maxBackoffMs = 5000) {
		this.log = log;
		this.maxBackoffMs = maxBackoffMs;
	}

	add(update: LoggedUpdate): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			this.queue.push({ update, settled: false, resolve, reject });
			this.perDoc.set(update.doc, (this.perDoc.get(update.doc) ?? 0) + 1);
			this.schedule();
		});
	}

	/** Unsaved updates of one document (or of all). */
	pending(doc?: string): number {
		return doc === undefined ? this.queue.length + this.inFlightCount : (this.perDoc.get(doc) ?? 0);
	}

	private inFlightCount = 0;

	private docWaiters = new Map<string, (() => void)[]>();

	/** Resolves once the document has no unsaved updates (retries included). */
	stored(doc: string): Promise<void> {
		if (!this.perDoc.has(doc)) return Promise.resolve();
		return new Promise((resolve) => {
			const list = this.docWaiters.get(doc) ?? [];
			list.push(resolve);
			this.docWaiters.set(doc, list);
		});
	}

	/** Resolves once everything added so far is stored. */
	idle(): Promise<void> {
		if (this.queue.length === 0 && !this.writing) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	private schedule(): void {
		if (this.scheduled || this.writing || this.timer) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			void this.flush();
		});
	}

	private async flush(): Promise<void> {
		if (this.writing || this.queue.length === 0) return;
		const batch = this.queue;
		this.queue = [];
		this.inFlightCount = batch.length;
		this.writing = (async () => {
			try {
				await this.log.append(batch.map((e) => e.update));
				this.backoffMs = 0;
				const counts = new Map<string, number>();
				for (const e of batch) {
					const doc = e.update.doc;
					counts.set(doc, (counts.get(doc) ?? 0) + 1);
					const left = (this.perDoc.get(doc) ?? 1) - 1;
					if (left > 0) this.perDoc.set(doc, left);
					else {
						this.perDoc.delete(doc);
						for (const resolve of this.docWaiters.get(doc) ?? []) resolve();
						this.docWaiters.delete(doc);
					}
					if (!e.settled) {
						e.settled = true;
						e.resolve();
					}
				}
				this.onStored(counts);
			} catch (error) {
				this.onError(error);
				for (const e of batch) {
					if (!e.settled) {
						e.settled = true;
						e.reject(error);
					}
				}
				this.queue = batch.concat(this.queue);
				this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs ? this.backoffMs * 2 : 50);
			} finally {
				this.inFlightCount = 0;
			}
		})();
		await this.writing;
		this.writing = null;
		if (this.queue.length === 0) {
			const waiters = this.idleWaiters;
			this.idleWaiters = [];
			for (const w of waiters) w();
		} else if (this.backoffMs > 0) {
			this.timer = setTimeout(() => {
				this.timer = null;
				void this.flush();
			}, this.backoffMs);
		} else {
			this.schedule();
		}
	}
}
