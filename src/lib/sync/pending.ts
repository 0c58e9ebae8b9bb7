const KEY = 'zwerm-pending:';

/**
 * What the save indicator counts: the distinct notes touched by changes that
 * wait for the server, over every lane (a note moved between lanes keeps its
 * id and counts once). A lane with waiting changes but no note known (a
 * change of no note, or a record from before notes were kept) counts as one.
 */
export function pendingNoteCount(lanes: readonly { readonly waiting: number; readonly pendingNotes: ReadonlySet<string> }[]): number {
	const notes = new Set<string>();
	let unknown = 0;
	for (const lane of lanes) {
		if (lane.waiting === 0) continue;
		if (lane.pendingNotes.size === 0) unknown++;
		for (const id of lane.pendingNotes) notes.add(id);
	}
	return notes.size + unknown;
}

interface Stored {
	waiting: number;
	journal: string[];
	/** The notes those changes touched (absent in records from before it). */
	notes?: string[];
}

/**
 * What one page keeps in localStorage about one document: how many changes
 * wait for the server, which notes they touched (what the save indicator
 * counts), and the updates IndexedDB has not committed yet.
 * localStorage is written synchronously, so it holds what a closing tab would
 * otherwise lose. Each page writes its own key (`<name>|<page>`); a page that
 * opens the document takes over every key left for it, and a page still open
 * elsewhere simply writes its key again at its next change.
 */
export class PendingRecords {
	readonly name: string;
	private readonly key: string;
	private waiting = 0;
	private notes = new Set<string>();
	private journal: { seq: number; data: string }[] = [];
	private seq = 0;
	private forgotten = false;

	constructor(name: string) {
		this.name = name;
		this.key = `${KEY}${name}|${Math.random().toString(36).slice(2)}`;
	}

	/** Takes over what earlier pages left for this document. */
	adopt(): { waiting: number; notes: Set<string>; journal: Uint8Array[] } {
		const storage = localStore();
		if (!storage) return { waiting: 0, notes: new Set(), journal: [] };
		const prefix = `${KEY}${this.name}|`;
		for (const key of keys(storage).filter((k) => k.startsWith(prefix))) {
			const stored = parse(storage.getItem(key));
			storage.removeItem(key);
			this.waiting += stored.waiting;
			for (const id of stored.notes ?? []) this.notes.add(id);
			for (const data of stored.journal) this.journal.push({ seq: ++this.seq, data });
		}
		this.save();
		return { waiting: this.waiting, notes: new Set(this.notes), journal: this.journal.map((e) => fromBase64(e.data)) };
	}

	append(update: Uint8Array, waiting: number, notes: Iterable<string> = []): void {
		this.journal.push({ seq: ++this.seq, data: toBase64(update) });
		this.waiting = waiting;
		for (const id of notes) this.notes.add(id);
		this.save();
	}

	hasJournal(): boolean {
		return this.journal.length > 0;
	}

	/** The newest journal entry so far. */
	mark(): number {
		return this.seq;
	}

	/** Everything up to `mark` is committed in IndexedDB. */
	committed(mark: number): void {
		this.journal = this.journal.filter((e) => e.seq > mark);
		this.save();
	}

	/** The server has stored everything. */
	confirm(): void {
		this.waiting = 0;
		this.notes.clear();
		this.save();
	}

	forget(): void {
		this.forgotten = true;
		localStore()?.removeItem(this.key);
	}

	private save(): void {
		const storage = localStore();
		if (!storage || this.forgotten) return;
		try {
			if (this.waiting === 0 && this.journal.length === 0) storage.removeItem(this.key);
			else storage.setItem(this.key, JSON.stringify({ waiting: this.waiting, journal: this.journal.map((e) => e.data), notes: [...this.notes] } satisfies Stored));
		} catch {
			// Full or unavailable: IndexedDB still has the changes, only the safety net is missing.
		}
	}

	/** Drops the records of every document `match` selects (leaving a practice). */
	static forgetAll(match: (name: string) => boolean): void {
		const storage = localStore();
		if (!storage) return;
		for (const key of keys(storage)) {
			if (!key.startsWith(KEY)) continue;
			const name = key.slice(KEY.length, key.lastIndexOf('|'));
			if (match(name)) storage.removeItem(key);
		}
	}
}

function localStore(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null; // access denied (storage disabled)
	}
}

function keys(storage: Storage): string[] {
	const all: string[] = [];
	for (let i = 0; i < storage.length; i++) {
		const key = storage.key(i);
		if (key !== null) all.push(key);
	}
	return all;
}

function parse(text: string | null): Stored {
	try {
		const value = JSON.parse(text ?? '') as Partial<Stored>;
		return {
			waiting: typeof value.waiting === 'number' && value.waiting > 0 ? value.waiting : 0,
			journal: Array.isArray(value.journal) ? value.journal.filter((d): d is string => typeof d === 'string') : [],
			notes: Array.isArray(value.notes) ? value.notes.filter((d): d is string => typeof d === 'string') : []
		};
	} catch {
		return { waiting: 0, journal: [], notes: [] };
	}
}

function toBase64(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
