import * as Y from 'yjs';
import { NOTES_KEY } from '#lib/domain/notes.ts';

/** Where a Yjs type sits in a lane document. */
export type Place =
	| { readonly t: 'root'; readonly name: string }
	| { readonly t: 'note'; readonly note: NoteRef }
	/** A cluster of the collective lane (arrange.ts): plain fields only. */
	| { readonly t: 'cluster' }
	| { readonly t: 'content' | 'cites'; readonly note: NoteRef }
	| { readonly t: 'element'; readonly name: string; readonly depth: number; readonly note: NoteRef }
	| { readonly t: 'text'; readonly depth: number; readonly note: NoteRef }
	/** Garbage-collected or deleted: Yjs discards what is written there. */
	| { readonly t: 'gone' }
	/** Hangs on something the server never got: left to DurableLog, which refuses it. */
	| { readonly t: 'pending' }
	| { readonly t: 'unknown' };

/** A note an update touches: its map (live or in the update) and what the update adds to it. */
export interface NoteRef {
	readonly key: string;
	/** Created by this update (not in the live document). */
	readonly fresh: boolean;
	readonly map: Y.Map<unknown> | null;
	text: number;
	nodes: number;
	cites: number;
	readonly identity: Set<string>;
}

/** The place an item is written to, and its key there (null in a sequence). */
export type Parent = { readonly place: Place; readonly sub: string | null };

type Struct = Y.Item | Y.GC | Y.Skip;

const GONE: Place = { t: 'gone' };
const UNKNOWN: Place = { t: 'unknown' };
const PENDING: Place = { t: 'pending' };
/** Beyond any honest nesting (notes → note → content → SCHEMA_LIMITS.depth elements): stop walking. */
const MAX_NESTING = 64;

/**
 * Where the items of one update land in a lane document, resolving each
 * item's parent in the update itself or in the live document's store, as Yjs
 * does when it integrates them, without applying anything. Also collects the
 * notes the update touches (`notes`), for the size checks.
 */
export class UpdatePlaces {
	/** Every note the update touches, new ones and live ones apart. */
	readonly notes = new Map<string, NoteRef>();
	private readonly store: Y.Doc['store'];
	private readonly notesRoot: unknown;
	private readonly clustersRoot: unknown;
	/** The update's structs per client, in clock order. */
	private readonly byClient = new Map<number, Struct[]>();
	/** Places of the live document's types, found by walking up the store. */
	private readonly livePlaces = new Map<Y.AbstractType<unknown>, Place>();
	/** Parent place and key of each new item. */
	private readonly parents = new Map<Y.Item, Parent>();
	/** Places of the types the update creates. */
	private readonly typePlaces = new Map<Y.Item, Place>();

	constructor(doc: Y.Doc, structs: readonly Struct[]) {
		this.store = doc.store;
		this.notesRoot = doc.share.get(NOTES_KEY) ?? null;
		this.clustersRoot = doc.share.get('clusters') ?? null;
		for (const s of structs) {
			const list = this.byClient.get(s.id.client);
			if (list) list.push(s);
			else this.byClient.set(s.id.client, [s]);
		}
	}

	/** A struct of the update the server does not have yet. */
	private inUpdate(id: Y.ID): Struct | null {
		const list = this.byClient.get(id.client);
		if (!list) return null;
		let lo = 0;
		let hi = list.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const s = list[mid];
			if (id.clock < s.id.clock) hi = mid - 1;
			else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
			else return s;
		}
		return null;
	}

	/** What an id points at: the live document's struct when the server has it (never the update's copy of it), else the update's. */
	private find(id: Y.ID): { live: Y.Item | Y.GC } | { update: Struct } | null {
		if (id.clock < Y.getState(this.store, id.client)) return { live: Y.getItem(this.store, id) as Y.Item | Y.GC };
		const s = this.inUpdate(id);
		return s ? { update: s } : null;
	}

	private noteRef(key: string, fresh: boolean, map: Y.Map<unknown> | null): NoteRef {
		const id = `${fresh ? 'new' : 'old'}:${key}`;
		let ref = this.notes.get(id);
		if (!ref) {
			ref = { key, fresh, map, text: 0, nodes: 0, cites: 0, identity: new Set() };
			this.notes.set(id, ref);
		}
		return ref;
	}

	/** The place of a type of the live document. */
	private livePlace(type: Y.AbstractType<unknown>, depth = 0): Place {
		let place = this.livePlaces.get(type);
		if (place) return place;
		const item = type._item;
		if (depth > MAX_NESTING) place = UNKNOWN;
		else if (item === null) place = type === this.notesRoot ? { t: 'root', name: NOTES_KEY } : type === this.clustersRoot ? { t: 'root', name: 'clusters' } : UNKNOWN;
		else if (item.deleted) place = GONE;
		else place = this.placeOfType(this.livePlace(item.parent as Y.AbstractType<unknown>, depth + 1), item.parentSub, type, false);
		this.livePlaces.set(type, place);
		return place;
	}

	/** The place of a type given its parent's place: a note, its content or cites, rich text inside. */
	private placeOfType(parent: Place, sub: string | null, type: Y.AbstractType<unknown>, fresh: boolean): Place {
		switch (parent.t) {
			case 'root':
				if (parent.name === 'clusters') return sub !== null && type.constructor === Y.Map ? { t: 'cluster' } : UNKNOWN;
				return parent.name === NOTES_KEY && sub !== null && type.constructor === Y.Map
					? { t: 'note', note: this.noteRef(sub, fresh, fresh ? null : (type as Y.Map<unknown>)) }
					: UNKNOWN;
			case 'note':
				if (sub === 'content' && type.constructor === Y.XmlFragment) return { t: 'content', note: parent.note };
				if (sub === 'cites' && type.constructor === Y.Array) return { t: 'cites', note: parent.note };
				return UNKNOWN;
			case 'content':
			case 'element': {
				if (sub !== null) return UNKNOWN;
				const depth = parent.t === 'element' ? parent.depth + 1 : 1;
				if (type.constructor === Y.XmlElement) return { t: 'element', name: (type as Y.XmlElement).nodeName, depth, note: parent.note };
				if (type.constructor === Y.XmlText) return { t: 'text', depth, note: parent.note };
				return UNKNOWN;
			}
			case 'gone':
			case 'pending':
				return parent;
			default:
				return UNKNOWN;
		}
	}

	/** Parent place and key of a new item, resolved through its origins as Yjs does when it integrates it. */
	parentOf(item: Y.Item, depth = 0): Parent {
		const chain: Y.Item[] = [];
		let found: Parent;
		for (let cur = item; ; ) {
			const known = this.parents.get(cur);
			if (known) {
				found = known;
				break;
			}
			chain.push(cur);
			const own = this.ownParent(cur, depth);
			if (!(own instanceof Y.Item)) {
				found = own;
				break;
			}
			cur = own;
		}
		for (const c of chain) this.parents.set(c, found);
		return found;
	}

	/**
	 * An item's parent when it names one; else its neighbour's, when the live
	 * document has the neighbour; else the neighbour in the update, to follow.
	 */
	private ownParent(cur: Y.Item, depth: number): Parent | Y.Item {
		if (typeof cur.parent === 'string') return { place: { t: 'root', name: cur.parent }, sub: cur.parentSub };
		if (cur.parent !== null) return { place: this.placeOfItemType(cur.parent as Y.ID, depth + 1), sub: cur.parentSub };
		// No parent written: it is the left neighbour's, else the right one's; a GC'd neighbour drops the item.
		const left = cur.origin ? this.find(cur.origin) : null;
		const right = cur.rightOrigin ? this.find(cur.rightOrigin) : null;
		const struct = (f: typeof left) => (f === null ? null : 'live' in f ? f.live : f.update);
		const [l, r] = [struct(left), struct(right)];
		// Anchored on something nobody sent: Yjs keeps it pending, and DurableLog refuses that.
		if ((cur.origin && !l) || (cur.rightOrigin && !r) || l instanceof Y.Skip || r instanceof Y.Skip) return { place: PENDING, sub: null };
		if (l instanceof Y.GC || r instanceof Y.GC) return { place: GONE, sub: null };
		const side = (l ?? r) as Y.Item | null;
		if (!side) return { place: UNKNOWN, sub: null };
		if ('update' in (l ? left! : right!)) return side;
		const parent = side.parent as Y.AbstractType<unknown> | null;
		return { place: parent ? this.livePlace(parent) : GONE, sub: side.parentSub };
	}

	/** The place of the type held by the item with id `id` (in the update or the live document). */
	placeOfItemType(id: Y.ID, depth: number): Place {
		if (depth > MAX_NESTING) return UNKNOWN;
		const found = this.find(id);
		if (!found) return PENDING;
		if ('live' in found) {
			const live = found.live;
			if (!(live instanceof Y.Item) || !(live.content instanceof Y.ContentType)) return GONE;
			return this.livePlace(live.content.type);
		}
		const item = found.update;
		if (item instanceof Y.Skip) return PENDING;
		if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentType)) return GONE;
		let place = this.typePlaces.get(item);
		if (!place) {
			const { place: parent, sub } = this.parentOf(item, depth + 1);
			place = this.placeOfType(parent, sub, item.content.type, true);
			this.typePlaces.set(item, place);
		}
		return place;
	}
}
