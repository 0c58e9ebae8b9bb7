const KEY = 'zwerm-pending:';

interface Stored {
	waiting: number;
	journal: string[];
}

/**
 * What one page keeps in localStorage about one document: how many changes
 * wait for the server, and the updates IndexedDB has not committed yet.
 * localStorage is written synchronously, so it holds what a closing tab would
 * otherwise lose. Each page writes its own key (`<name>|<page>`); a page that
 * opens the document takes over every key left for it, and a page still open
 * elsewhere simply writes its key again at its next change.
 */
export class PendingRecords {
	readonly name: string;
	private readonly key: string;
	private waiting = 0;
	private journal: { seq: number; data: string }[] = [];
	private seq = 0;
	private forgotten = false;

	constructor(name: string) {
		this.name = name;
		this.key = `${KEY}${name}|${Math.random().toString(36).slice(2)}`;
	}

	/** Takes over what earlier pages left for this document. */
	adopt(): { waiting: number; journal: Uint8Array[] } {
		const storage = localStore();
		if (!storage) return { waiting: 0, journal: [] };
		const prefix = `${KEY}${this.name}|`;
		for (const key of keys(storage).filter((k) => k.startsWith(prefix))) {
			const stored = parse(storage.getItem(key));
			storage.removeItem(key);
			this.waiting += stored.waiting;
			for (const data of stored.journal) this.journal.push({ seq: ++this.seq, data });
		}
		this.save();
		return { waiting: this.waiting, journal: this.journal.map((e) => fromBase64(e.data)) };
	}

	append(update: Uint8Array, waiting: number): void {
		this.journal.push({ seq: ++this.seq, data: toBase64(update) });
		this.waiting = waiting;
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
			else storage.setItem(this.key, JSON.stringify({ waiting: this.waiting, journal: this.journal.map((e) => e.data) } satisfies Stored));
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
			journal: Array.isArray(value.journal) ? value.journal.filter((d): d is string => typeof d === 'string') : []
		};
	} catch {
		return { waiting: 0, journal: [] };
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
