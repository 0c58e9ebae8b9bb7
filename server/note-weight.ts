import * as Y from 'yjs';
import { NOTES_KEY } from '#lib/domain/notes.ts';

/**
 * How large each note an incoming update touches would be after it, measured
 * before the update is applied (the quota refuses it then: nothing of it is
 * stored or sent on). A note's weight is what it holds: characters of text,
 * the JSON of its fields and formatting attributes, one per element. Content
 * outside any note (other root types, which Zwerm never writes) counts under
 * the key '' with the same limit.
 */
export interface NoteGrowth {
	readonly key: string;
	/** The note's weight before the update, and what the update adds and removes. */
	readonly before: number;
	readonly added: number;
	readonly removed: number;
}

type Struct = Y.Item | Y.GC | Y.Skip;
// Yjs types shared types by their events (AbstractType<YEvent<any>>); only their structure matters here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Shared = Y.AbstractType<any>;
type Parent = Shared | Y.ID | string | null;

export function noteGrowth(doc: Y.Doc, update: Uint8Array): NoteGrowth[] {
	const { structs, ds } = Y.decodeUpdate(update);
	const notes = doc.getMap(NOTES_KEY);
	const incoming = new Map<number, Y.Item[]>();
	for (const s of structs as Struct[]) {
		if (!(s instanceof Y.Item)) continue;
		let list = incoming.get(s.id.client);
		if (!list) incoming.set(s.id.client, (list = []));
		list.push(s);
	}
	const find = (id: Y.ID): { item: Y.Item; known: boolean } | null => {
		const mine = incoming.get(id.client)?.find((i) => i.id.clock <= id.clock && id.clock < i.id.clock + i.length);
		if (mine) return { item: mine, known: false };
		try {
			const found = Y.getItem(doc.store, id) as Struct;
			return found instanceof Y.Item ? { item: found, known: true } : null;
		} catch {
			return null; // not known: DurableLog refuses such an update anyway
		}
	};
	/** The note a type in the document belongs to. */
	const noteOfType = (type: Shared, sub: string | null): string => {
		if (type === notes) return sub ?? '';
		let t: Shared = type;
		while (t._item) {
			if (t._item.parent === notes) return t._item.parentSub ?? '';
			t = t._item.parent as Shared;
		}
		return '';
	};
	/** The note an item (incoming or known) belongs to; its parent may only be named by its neighbour. */
	const noteOf = (item: Y.Item, depth = 0): string => {
		if (depth > 10_000) return '';
		let parent = item.parent as Parent;
		let sub = item.parentSub;
		if (parent === null) {
			const neighbour = (item.origin && find(item.origin)) || (item.rightOrigin && find(item.rightOrigin));
			if (!neighbour) return '';
			if (!neighbour.known) return noteOf(neighbour.item, depth + 1);
			parent = neighbour.item.parent as Parent;
			sub = neighbour.item.parentSub;
		}
		if (typeof parent === 'string') return parent === NOTES_KEY ? (sub ?? '') : '';
		if (parent instanceof Y.AbstractType) return noteOfType(parent, sub);
		if (parent === null) return '';
		const owner = find(parent);
		if (!owner) return '';
		if (!owner.known) return noteOf(owner.item, depth + 1);
		return owner.item.content instanceof Y.ContentType ? noteOfType(owner.item.content.type, null) : '';
	};

	const growth = new Map<string, { added: number; removed: number }>();
	const entry = (key: string) => {
		let g = growth.get(key);
		if (!g) growth.set(key, (g = { added: 0, removed: 0 }));
		return g;
	};
	for (const list of incoming.values()) {
		for (const item of list) {
			// Already known (the client sent it again): adds nothing.
			if (item.id.clock + item.length <= Y.getState(doc.store, item.id.client)) continue;
			entry(noteOf(item)).added += contentWeight(item.content);
		}
	}
	for (const [client, deletes] of ds.clients) {
		const known = doc.store.clients.get(client) as Struct[] | undefined;
		if (!known) continue;
		for (const del of deletes) {
			let i: number;
			try {
				i = Y.findIndexSS(known as Y.Item[], del.clock);
			} catch {
				continue;
			}
			for (; i < known.length && known[i].id.clock < del.clock + del.len; i++) {
				const s = known[i];
				if (!(s instanceof Y.Item) || s.deleted) continue;
				const overlap = Math.min(s.id.clock + s.length, del.clock + del.len) - Math.max(s.id.clock, del.clock);
				const share = s.content instanceof Y.ContentString ? overlap / s.length : 1;
				const nested = s.content instanceof Y.ContentType ? typeWeight(s.content.type) : 0;
				entry(noteOf(s)).removed += contentWeight(s.content) * share + nested;
			}
		}
	}
	return [...growth].map(([key, g]) => ({ key, before: currentWeight(doc, notes, key), ...g }));
}

/** A note's weight now; '' is everything outside the notes. */
function currentWeight(doc: Y.Doc, notes: Y.Map<unknown>, key: string): number {
	if (key !== '') {
		const note = notes.get(key);
		return note instanceof Y.AbstractType ? typeWeight(note) + 1 : 0;
	}
	let outside = 0;
	for (const [name, type] of doc.share) if (name !== NOTES_KEY) outside += typeWeight(type);
	return outside;
}

/** What a type holds now: its entries and list items that are not deleted, nested types included. */
export function typeWeight(type: Shared): number {
	let weight = 0;
	const add = (item: Y.Item | null) => {
		if (!item || item.deleted) return;
		weight += contentWeight(item.content);
		if (item.content instanceof Y.ContentType) weight += typeWeight(item.content.type);
	};
	for (const item of type._map.values()) add(item);
	for (let item = type._start; item; item = item.right) add(item);
	return weight;
}

function contentWeight(content: Y.Item['content']): number {
	if (content instanceof Y.ContentString) return content.str.length;
	if (content instanceof Y.ContentType) return 1;
	if (content instanceof Y.ContentDeleted) return 0;
	if (content instanceof Y.ContentAny) return JSON.stringify(content.arr).length;
	if (content instanceof Y.ContentFormat) return content.key.length + JSON.stringify(content.value ?? null).length;
	if (content instanceof Y.ContentEmbed) return JSON.stringify(content.embed ?? null).length;
	if (content instanceof Y.ContentJSON) return JSON.stringify(content.arr).length;
	if (content instanceof Y.ContentBinary) return content.content.byteLength;
	return 1;
}
