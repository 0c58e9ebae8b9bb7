import * as Y from 'yjs';
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
} from '#lib/domain/schema.ts';
import { NOTES_KEY } from '#lib/domain/notes.ts';
import { UpdatePlaces, type NoteRef, type Place } from './schema-places.ts';

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** Who writes: the kind of lane document and the member the connection belongs to. */
export interface Writer {
	readonly kind: LaneKind;
	readonly memberId: string;
}

/**
 * Checks an update a client sends to a lane document against the schema
 * (src/lib/domain/schema.ts) before the server applies it. Works on the
 * update's structs, resolving each item's parent in the update itself or in
 * the live document's store (UpdatePlaces), so the cost follows the update,
 * not the board. Returns what is wrong, or null. An update that cannot be
 * decoded is left to DurableLog, which refuses it as `invalid-update`.
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
	const places = new UpdatePlaces(doc, decoded.structs);
	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		// Already known to the server: Yjs skips it.
		if (struct.id.clock + struct.length <= Y.getState(store, struct.id.client)) continue;
		const problem = checkStruct(places, struct, writer);
		if (problem) return problem;
	}
	for (const ref of places.notes.values()) {
		const problem = checkNoteSize(ref);
		if (problem) return problem;
	}
	return checkDeletes(doc, decoded.ds, (doc.share.get(NOTES_KEY) ?? null) as Y.AbstractType<unknown> | null);
}

/** One new item: where it is written, and the type it holds, if any. */
function checkStruct(places: UpdatePlaces, struct: Y.Item, writer: Writer): string | null {
	const { place, sub } = places.parentOf(struct);
	const problem = checkItem(struct, place, sub, writer);
	if (problem) return problem;
	if (!(struct.content instanceof Y.ContentType)) return null;
	const own = places.placeOfItemType(struct.id, 0);
	if (own.t === 'unknown') return `a ${typeName(struct.content.type)} where the schema has none`;
	if (own.t === 'element' && !isElementName(own.name)) return `an unknown rich-text element "${own.name.slice(0, 40)}"`;
	if ((own.t === 'element' || own.t === 'text') && own.depth > SCHEMA_LIMITS.depth) return 'rich text nested too deep';
	if (own.t === 'element' || own.t === 'text') own.note.nodes++;
	return null;
}

/** A note after the update: its identity complete when new, its text, parts and citations within bounds. */
function checkNoteSize(ref: NoteRef): string | null {
	if (ref.fresh && ref.identity.size < IDENTITY_FIELDS.length) return 'a new note without its id, createdAt and createdBy';
	const live = ref.fresh ? null : liveSizes(ref.map);
	if (ref.text + (live?.text ?? 0) > SCHEMA_LIMITS.noteText) return `a note longer than ${SCHEMA_LIMITS.noteText} characters`;
	if (ref.nodes + (live?.nodes ?? 0) > SCHEMA_LIMITS.noteNodes) return `a note with more than ${SCHEMA_LIMITS.noteNodes} parts`;
	if (ref.cites + (live?.cites ?? 0) > SCHEMA_LIMITS.cites) return `a note with more than ${SCHEMA_LIMITS.cites} citations`;
	return null;
}

/** Whether an item's content may be written at its place (and key); counts what it adds to its note. */
function checkItem(item: Y.Item, place: Place, sub: string | null, w: Writer): string | null {
	const content = item.content;
	if (place.t === 'root' && !isRootType(w.kind, place.name)) return `an unknown top-level type "${place.name.slice(0, 40)}"`;
	// A deleted value carries nothing, wherever it is.
	if (content instanceof Y.ContentDeleted || place.t === 'gone' || place.t === 'pending') return null;
	switch (place.t) {
		case 'root':
			return checkRootEntry(content, place.name, sub);
		case 'cluster':
			return sub !== null && content instanceof Y.ContentAny && content.arr.length === 1 && isClusterField(sub, content.arr[0])
				? null
				: `a cluster field "${String(sub).slice(0, 40)}" of the wrong type or out of range`;
		case 'note':
			return checkNoteField(content, place.note, sub, w);
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
			return checkText(content, place.note, sub);
		default:
			return 'a change to a part of the document the schema does not have';
	}
}

type Content = Y.Item['content'];

/** An entry of a top-level map: a note (or a cluster) under an id. */
function checkRootEntry(content: Content, root: string, sub: string | null): string | null {
	if (root === 'clusters') {
		if (sub === null || !isNoteKey(sub)) return 'a cluster key that is not an id';
		return content instanceof Y.ContentType && content.type.constructor === Y.Map ? null : 'a cluster that is not a map';
	}
	if (sub === null || !isNoteKey(sub)) return 'a note key that is not a note id';
	return content instanceof Y.ContentType && content.type instanceof Y.Map ? null : 'a note that is not a map';
}

/** A field of a note: known for the lane, of its type, identity only on a new note and true to the writer. */
function checkNoteField(content: Content, note: NoteRef, sub: string | null, w: Writer): string | null {
	const rule = sub === null ? null : noteField(w.kind, sub);
	if (sub === null || rule === null) return `an unknown note field "${String(sub).slice(0, 40)}"`;
	if (IDENTITY_FIELDS.includes(sub)) {
		if (!note.fresh) return `${sub} of an existing note cannot change`;
		note.identity.add(sub);
	}
	if (rule.kind === 'type') {
		const ok = content instanceof Y.ContentType && (rule.type === 'array' ? content.type instanceof Y.Array : content.type instanceof Y.XmlFragment && !(content.type instanceof Y.XmlElement));
		return ok ? null : `note field ${sub} of the wrong type`;
	}
	if (!(content instanceof Y.ContentAny) || content.arr.length !== 1 || !rule.valid(content.arr[0])) return `note field ${sub} of the wrong type or out of range`;
	if (sub === 'createdBy' && content.arr[0] !== w.memberId) return 'createdBy must be the member who writes the note';
	if (sub === 'id' && content.arr[0] !== note.key) return 'a note id that differs from its key';
	return null;
}

/** Rich text: characters (counted) and known marks. */
function checkText(content: Content, note: NoteRef, sub: string | null): string | null {
	if (sub !== null) return 'rich text of the wrong shape';
	if (content instanceof Y.ContentString) {
		note.text += content.str.length;
		return null;
	}
	if (content instanceof Y.ContentFormat) return isMarkFormat(content.key, content.value) ? null : `an unknown mark "${content.key.slice(0, 40)}"`;
	return 'rich text of the wrong shape';
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
