import type { HocuspocusProvider } from '@hocuspocus/provider';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { notesTouchedBy } from '#lib/domain/touched.ts';
import { PendingRecords } from './pending.ts';

const PREFIX = 'zwerm:';

/** Every local copy open in this page, so that forgetting a practice can close its databases. */
const open = new Set<LocalCopy>();

/**
 * This browser's copy of one document: the whole state in IndexedDB (y-indexeddb),
 * so a board visited before opens and accepts edits without a connection, plus a
 * small record in localStorage of what the server has not yet confirmed:
 *
 * - `waiting`: how many of my changes the server has not acknowledged as durably
 *   stored. It survives a reload, so the indicator does not claim "saved" for
 *   changes made offline in an earlier page; it drops to 0 only when, after this
 *   copy has loaded, the provider has no unacknowledged change left.
 * - a journal of my changes that IndexedDB has not committed yet. y-indexeddb
 *   writes each update in its own transaction, and the transactions still queued
 *   when a tab closes are lost; localStorage writes synchronously, so the last
 *   words typed are replayed from the journal on the next load.
 */
export class LocalCopy {
	readonly name: string;
	readonly doc: Y.Doc;
	/** My changes the server has not confirmed storing, across page loads. */
	waiting: number;
	/** The notes those changes touched (what the save indicator counts), across page loads. */
	readonly pendingNotes: Set<string>;
	private readonly persistence: IndexeddbPersistence;
	private readonly record: PendingRecords;
	private provider: HocuspocusProvider | null = null;
	private loaded = false;
	private barrierScheduled = false;
	private readonly listeners = new Set<() => void>();

	constructor(name: string, doc: Y.Doc) {
		this.name = name;
		this.doc = doc;
		this.record = new PendingRecords(name);
		const carried = this.record.adopt();
		this.waiting = carried.waiting;
		this.pendingNotes = carried.notes;
		this.persistence = new IndexeddbPersistence(PREFIX + name, doc);
		// Replayed before IndexedDB has opened: y-indexeddb writes the whole state on opening.
		try {
			if (carried.journal.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(carried.journal), this);
		} catch {
			// An unreadable journal (edited by hand, or truncated): IndexedDB's copy is what there is.
		}
		doc.on('update', this.onUpdate);
		const loaded = () => {
			this.loaded = true;
			this.scheduleBarrier();
			this.confirmIfSaved();
		};
		// Without a usable IndexedDB (private mode, storage refused) the page's memory is the whole copy.
		this.persistence.whenSynced.then(loaded, loaded);
		this.persistence._db.catch(loaded);
		open.add(this);
	}

	/** Counts what the server acknowledges over this provider. */
	track(provider: HocuspocusProvider): void {
		this.provider = provider;
		provider.on('unsyncedChanges', () => this.confirmIfSaved());
		provider.on('synced', () => this.confirmIfSaved());
	}

	/** Called whenever `waiting` changes. */
	onChange(listener: () => void): void {
		this.listeners.add(listener);
	}

	private readonly onUpdate = (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction): void => {
		// Only changes made here: not what IndexedDB or the journal loaded, not what the server sent.
		if (origin === this || origin === this.persistence || (this.provider && origin === this.provider)) return;
		this.waiting += 1;
		const notes = notesTouchedBy(doc, tr);
		for (const id of notes) this.pendingNotes.add(id);
		this.record.append(update, this.waiting, notes);
		this.scheduleBarrier();
		this.emit();
	};

	/**
	 * Once every IndexedDB transaction y-indexeddb has started for the journal's
	 * updates has committed, the journal can go. Read-write transactions on the
	 * same store complete in the order they were created, so an empty one created
	 * after them completes only when they have.
	 */
	private scheduleBarrier(): void {
		if (!this.loaded || this.barrierScheduled || !this.record.hasJournal()) return;
		this.barrierScheduled = true;
		// After the current task: one barrier for a burst of updates.
		queueMicrotask(() => {
			this.barrierScheduled = false;
			const db = this.persistence.db;
			if (!db || !this.record.hasJournal()) return;
			const mark = this.record.mark();
			try {
				const tx = db.transaction(['updates'], 'readwrite');
				tx.oncomplete = () => this.record.committed(mark);
			} catch {
				// The database is closing (forgotten or destroyed): the journal stays for the next load.
			}
		});
	}

	private confirmIfSaved(): void {
		const provider = this.provider;
		if (!this.loaded || !provider || !provider.synced || provider.unsyncedChanges > 0) return;
		if (this.waiting === 0) return;
		this.waiting = 0;
		this.pendingNotes.clear();
		this.record.confirm();
		this.emit();
	}

	private emit(): void {
		for (const listener of this.listeners) listener();
	}

	destroy(): Promise<void> {
		open.delete(this);
		this.doc.off('update', this.onUpdate);
		this.listeners.clear();
		return this.persistence.destroy();
	}

	/** Stops keeping anything of this document; the caller deletes the stored data. */
	private forget(): Promise<void> {
		this.record.forget();
		return this.destroy();
	}

	static async forgetAll(prefix: string, exactly = false): Promise<void> {
		const chosen = [...open].filter((copy) => (exactly ? copy.name === prefix : matches(copy.name, prefix)));
		await Promise.all(chosen.map((copy) => copy.forget()));
	}
}

function matches(name: string, prefix: string): boolean {
	return name === prefix || name.startsWith(`${prefix}/`);
}

/** The local copy of a document, or none where this browser has no IndexedDB. */
export function persistLocally(name: string, doc: Y.Doc): LocalCopy | null {
	if (typeof indexedDB === 'undefined') return null;
	return new LocalCopy(name, doc);
}

/** Throws away this browser's copy of one document (a change the server refused will not come back). */
export async function discardLocally(name: string): Promise<void> {
	await LocalCopy.forgetAll(name, true);
	PendingRecords.forgetAll((n) => n === name);
	await deleteDatabase(PREFIX + name);
}

function deleteDatabase(name: string): Promise<void> {
	if (typeof indexedDB === 'undefined') return Promise.resolve();
	return new Promise<void>((resolve) => {
		const request = indexedDB.deleteDatabase(name);
		request.onsuccess = request.onerror = request.onblocked = () => resolve();
	});
}

/** Leaving or being removed clears everything this browser kept of the practice. */
export async function forgetPracticeLocally(practiceId: string): Promise<void> {
	const prefix = `practice/${practiceId}`;
	// Close this page's copies first: an open database cannot be deleted.
	await LocalCopy.forgetAll(prefix);
	PendingRecords.forgetAll((name) => matches(name, prefix));
	const databases = typeof indexedDB !== 'undefined' && 'databases' in indexedDB ? await indexedDB.databases() : [];
	await Promise.all(
		databases
			.map((d) => d.name)
			.filter((name): name is string => !!name && name.startsWith(PREFIX) && matches(name.slice(PREFIX.length), prefix))
			.map(deleteDatabase)
	);
	navigator.serviceWorker?.controller?.postMessage({ type: 'forget-practice', practiceId });
}
