import * as Y from 'yjs';

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];
import { NOTES_KEY } from '../src/lib/domain/notes.ts';
import {
	IDENTITY_FIELDS,
	SCHEMA_LIMITS,
	isCitation,
	isClusterField,
	isRootType,
	isElementAttribute,
	isElementName,
	isMarkFormat,
	isNoteKey,
	noteField,
	type LaneKind
} from '../src/lib/domain/schema.ts';

/** Who writes: the kind of lane document and the member the connection belongs to. */
export interface Writer {
	readonly kind: LaneKind;
	readonly memberId: string;
}

/** Where a Yjs type sits in a lane document. */
type Place =
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
interface NoteRef {
	readonly key: string;
	/** Created by this update (not in the live document). */
	readonly fresh: boolean;
	readonly map: Y.Map<unknown> | null;
	text: number;
	nodes: number;
	cites: number;
	readonly identity: Set<string>;
}

const GONE: Place = { t: 'gone' };
const UNKNOWN: Place = { t: 'unknown' };
const PENDING: Place = { t: 'pending' };
/** Beyond any honest nesting (notes → note → content → SCHEMA_LIMITS.depth elements): stop walking. */
const MAX_NESTING = 64;

type Parent = { readonly place: Place; readonly sub: string | null };

/**
 * Checks an update a client sends to a lane document against the schema
 * (src/lib/domain/schema.ts) before the server applies it. Works on the
 * update's structs, resolving each item's parent in the update itself or in
 * the live document's store, so the cost follows the update, not the board.
 * Returns what is wrong, or null. An update that cannot be decoded is left to
 * DurableLog, which refuses it as `invalid-update`.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, writer: Writer): string | null {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		return null;
	}
	const { store } = doc;
	// A gap in a client's clock is DurableLog's to refuse (`invalid-update`).
	for (const [client, clock] of Y.parseUpdateMeta(update).from) if (clock > Y.getState(store, client)) return null;
	const byClient = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>();
	for (const s of decoded.structs) {
		const list = byClient.get(s.id.client);
		if (list) list.push(s);
		else byClient.set(s.id.client, [s]);
	}
	/** A struct of the update the server does not have yet. */
	const inUpdate = (id: Y.ID): Y.Item | Y.GC | Y.Skip | null => {
		const list = byClient.get(id.client);
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
	};
	/** What an id points at: the live document's struct when the server has it (never the update's copy of it), else the update's. */
	const find = (id: Y.ID): { live: Y.Item | Y.GC } | { update: Y.Item | Y.GC | Y.Skip } | null => {
		if (id.clock < Y.getState(store, id.client)) return { live: Y.getItem(store, id) as Y.Item | Y.GC };
		const s = inUpdate(id);
		return s ? { update: s } : null;
	};

	const notesRoot = doc.share.get(NOTES_KEY) ?? null;
	const clustersRoot = doc.share.get('clusters') ?? null;
	const notes = new Map<string, NoteRef>();
	const noteRef = (key: string, fresh: boolean, map: Y.Map<unknown> | null): NoteRef => {
		const id = `${fresh ? 'new' : 'old'}:${key}`;
		let ref = notes.get(id);
		if (!ref) {
			ref = { key, fresh, map, text: 0, nodes: 0, cites: 0, identity: new Set() };
			notes.set(id, ref);
		}
		return ref;
	};

	// Places of the live document's types, found by walking up the store.
	const livePlaces = new Map<Y.AbstractType<unknown>, Place>();
	function livePlace(type: Y.AbstractType<unknown>, depth = 0): Place {
		let place = livePlaces.get(type);
		if (place) return place;
		const item = type._item;
		if (depth > MAX_NESTING) place = UNKNOWN;
		else if (item === null) place = type === notesRoot ? { t: 'root', name: NOTES_KEY } : type === clustersRoot ? { t: 'root', name: 'clusters' } : UNKNOWN;
		else if (item.deleted) place = GONE;
		else place = placeOfType(livePlace(item.parent as Y.AbstractType<unknown>, depth + 1), item.parentSub, type, false);
		livePlaces.set(type, place);
		return place;
	}

	/** The place of a type given its parent's place: a note, its content or cites, rich text inside. */
	function placeOfType(parent: Place, sub: string | null, type: Y.AbstractType<unknown>, fresh: boolean): Place {
		switch (parent.t) {
			case 'root':
				if (parent.name === 'clusters') return sub !== null && type.constructor === Y.Map ? { t: 'cluster' } : UNKNOWN;
				return parent.name === NOTES_KEY && sub !== null && type.constructor === Y.Map
					? { t: 'note', note: noteRef(sub, fresh, fresh ? null : (type as Y.Map<unknown>)) }
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

	// Parent place and key of each new item, resolved through its origins as Yjs does when it integrates it.
	const parents = new Map<Y.Item, Parent>();
	function parentOf(item: Y.Item, depth = 0): Parent {
		const chain: Y.Item[] = [];
		let found: Parent;
		for (let cur = item; ; ) {
			const known = parents.get(cur);
			if (known) {
				found = known;
				break;
			}
			chain.push(cur);
			if (typeof cur.parent === 'string') {
				found = { place: { t: 'root', name: cur.parent }, sub: cur.parentSub };
				break;
			}
			if (cur.parent !== null) {
				found = { place: placeOfItemType(cur.parent as Y.ID, depth + 1), sub: cur.parentSub };
				break;
			}
			// No parent written: it is the left neighbour's, else the right one's; a GC'd neighbour drops the item.
			const left = cur.origin ? find(cur.origin) : null;
			const right = cur.rightOrigin ? find(cur.rightOrigin) : null;
			const struct = (f: typeof left) => (f === null ? null : 'live' in f ? f.live : f.update);
			const [l, r] = [struct(left), struct(right)];
			// Anchored on something nobody sent: Yjs keeps it pending, and DurableLog refuses that.
			if ((cur.origin && !l) || (cur.rightOrigin && !r) || l instanceof Y.Skip || r instanceof Y.Skip) {
				found = { place: PENDING, sub: null };
				break;
			}
			if (l instanceof Y.GC || r instanceof Y.GC) {
				found = { place: GONE, sub: null };
				break;
			}
			const side = (l ?? r) as Y.Item | null;
			if (!side) {
				found = { place: UNKNOWN, sub: null };
				break;
			}
			if ('update' in (l ? left! : right!)) {
				cur = side;
				continue;
			}
			const parent = side.parent as Y.AbstractType<unknown> | null;
			found = { place: parent ? livePlace(parent) : GONE, sub: side.parentSub };
			break;
		}
		for (const c of chain) parents.set(c, found);
		return found;
	}

	/** The place of the type held by the item with id `id` (in the update or the live document). */
	const typePlaces = new Map<Y.Item, Place>();
	function placeOfItemType(id: Y.ID, depth: number): Place {
		if (depth > MAX_NESTING) return UNKNOWN;
		const found = find(id);
		if (!found) return PENDING;
		if ('live' in found) {
			const live = found.live;
			if (!(live instanceof Y.Item) || !(live.content instanceof Y.ContentType)) return GONE;
			return livePlace(live.content.type);
		}
		const item = found.update;
		if (item instanceof Y.Skip) return PENDING;
		if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentType)) return GONE;
		let place = typePlaces.get(item);
		if (!place) {
			const { place: parent, sub } = parentOf(item, depth + 1);
			place = placeOfType(parent, sub, item.content.type, true);
			typePlaces.set(item, place);
		}
		return place;
	}

	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		// Already known to the server: Yjs skips it.
		if (struct.id.clock + struct.length <= Y.getState(store, struct.id.client)) continue;
		const { place, sub } = parentOf(struct);
		const problem = checkItem(struct, place, sub, writer);
		if (problem) return problem;
		if (struct.content instanceof Y.ContentType) {
			const own = placeOfItemType(struct.id, 0);
			if (own.t === 'unknown') return `a ${typeName(struct.content.type)} where the schema has none`;
			if (own.t === 'element' && !isElementName(own.name)) return `an unknown rich-text element "${own.name.slice(0, 40)}"`;
			if ((own.t === 'element' || own.t === 'text') && own.depth > SCHEMA_LIMITS.depth) return 'rich text nested too deep';
			if (own.t === 'element' || own.t === 'text') own.note.nodes++;
		}
	}

	for (const ref of notes.values()) {
		if (ref.fresh && (ref.identity.size < IDENTITY_FIELDS.length)) return 'a new note without its id, createdAt and createdBy';
		const live = ref.fresh ? null : liveSizes(ref.map);
		if (ref.text + (live?.text ?? 0) > SCHEMA_LIMITS.noteText) return `a note longer than ${SCHEMA_LIMITS.noteText} characters`;
		if (ref.nodes + (live?.nodes ?? 0) > SCHEMA_LIMITS.noteNodes) return `a note with more than ${SCHEMA_LIMITS.noteNodes} parts`;
		if (ref.cites + (live?.cites ?? 0) > SCHEMA_LIMITS.cites) return `a note with more than ${SCHEMA_LIMITS.cites} citations`;
	}

	return checkDeletes(doc, decoded.ds, notesRoot as Y.AbstractType<unknown> | null);

	function checkItem(item: Y.Item, place: Place, sub: string | null, w: Writer): string | null {
		const content = item.content;
		if (place.t === 'root' && !isRootType(w.kind, place.name)) return `an unknown top-level type "${place.name.slice(0, 40)}"`;
		// A deleted value carries nothing, wherever it is.
		if (content instanceof Y.ContentDeleted || place.t === 'gone' || place.t === 'pending') return null;
		switch (place.t) {
			case 'root':
				if (place.name === 'clusters') {
					if (sub === null || !isNoteKey(sub)) return 'a cluster key that is not an id';
					return content instanceof Y.ContentType && content.type.constructor === Y.Map ? null : 'a cluster that is not a map';
				}
				if (sub === null || !isNoteKey(sub)) return 'a note key that is not a note id';
				return content instanceof Y.ContentType && content.type instanceof Y.Map ? null : 'a note that is not a map';
			case 'cluster':
				return sub !== null && content instanceof Y.ContentAny && content.arr.length === 1 && isClusterField(sub, content.arr[0])
					? null
					: `a cluster field "${String(sub).slice(0, 40)}" of the wrong type or out of range`;
			case 'note': {
				const rule = sub === null ? null : noteField(w.kind, sub);
				if (sub === null || rule === null) return `an unknown note field "${String(sub).slice(0, 40)}"`;
				if (IDENTITY_FIELDS.includes(sub)) {
					if (!place.note.fresh) return `${sub} of an existing note cannot change`;
					place.note.identity.add(sub);
				}
				if (rule.kind === 'type') {
					const ok = content instanceof Y.ContentType && (rule.type === 'array' ? content.type instanceof Y.Array : content.type instanceof Y.XmlFragment && !(content.type instanceof Y.XmlElement));
					return ok ? null : `note field ${sub} of the wrong type`;
				}
				if (!(content instanceof Y.ContentAny) || content.arr.length !== 1 || !rule.valid(content.arr[0])) return `note field ${sub} of the wrong type or out of range`;
				if (sub === 'createdBy' && content.arr[0] !== w.memberId) return 'createdBy must be the member who writes the note';
				if (sub === 'id' && content.arr[0] !== place.note.key) return 'a note id that differs from its key';
				return null;
			}
			case 'cites':
				if (sub !== null || !(content instanceof Y.ContentAny) || !content.arr.every(isCitation)) return 'a citation that is not a citation';
				place.note.cites += content.arr.length;
				return null;
			case 'content':
				return sub === null && content instanceof Y.ContentType ? null : 'rich text of the wrong shape';
			case 'element':
				if (sub !== null) {
					return content instanceof Y.ContentAny && content.arr.length === 1 && isElementAttribute(place.name, sub, content.arr[0])
						? null
						: `an unknown attribute "${sub.slice(0, 40)}" of ${place.name.slice(0, 40)}`;
				}
				return content instanceof Y.ContentType ? null : 'rich text of the wrong shape';
			case 'text':
				if (sub !== null) return 'rich text of the wrong shape';
				if (content instanceof Y.ContentString) {
					place.note.text += content.str.length;
					return null;
				}
				if (content instanceof Y.ContentFormat) return isMarkFormat(content.key, content.value) ? null : `an unknown mark "${content.key.slice(0, 40)}"`;
				return 'rich text of the wrong shape';
			default:
				return 'a change to a part of the document the schema does not have';
		}
	}
}

function typeName(type: Y.AbstractType<unknown>): string {
	if (type instanceof Y.XmlElement) return 'rich-text element';
	if (type instanceof Y.XmlText) return 'rich-text text';
	if (type instanceof Y.XmlFragment) return 'rich-text fragment';
	if (type instanceof Y.Map) return 'map';
	if (type instanceof Y.Array) return 'array';
	if (type instanceof Y.Text) return 'text';
	return 'type';
}

/** Text characters, nodes and citations a live note already has. */
function liveSizes(map: Y.Map<unknown> | null): { text: number; nodes: number; cites: number } {
	const out = { text: 0, nodes: 0, cites: 0 };
	if (!map) return out;
	const cites = map.get('cites');
	if (cites instanceof Y.Array) out.cites = cites.length;
	const walk = (node: Y.XmlFragment) => {
		for (const child of node.toArray()) {
			out.nodes++;
			if (child instanceof Y.XmlText) out.text += child.length;
			else if (child instanceof Y.XmlElement) walk(child);
		}
	};
	const content = map.get('content');
	if (content instanceof Y.XmlFragment) walk(content);
	return out;
}

/**
 * Deletions are allowed, but not of a note's identity alone: deleting
 * `createdBy` of a note that stays would make it look like an anonymous
 * bring-in. The whole note may go.
 */
function checkDeletes(doc: Y.Doc, ds: DeleteSet, notesRoot: Y.AbstractType<unknown> | null): string | null {
	if (!notesRoot) return null;
	for (const [client, ranges] of ds.clients) {
		const structs = doc.store.clients.get(client);
		if (!structs) continue;
		const state = Y.getState(doc.store, client);
		for (const { clock, len } of ranges) {
			if (clock >= state) continue;
			for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < clock + len; i++) {
				const s = structs[i];
				if (!(s instanceof Y.Item) || s.deleted || s.parentSub === null || !IDENTITY_FIELDS.includes(s.parentSub)) continue;
				const note = (s.parent as Y.AbstractType<unknown>)._item;
				if (!note || note.parent !== notesRoot || note.deleted) continue;
				if (!Y.isDeleted(ds, note.id)) return `${s.parentSub} of a note cannot be deleted while the note stays`;
			}
		}
	}
	return null;
}
