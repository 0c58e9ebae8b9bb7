import * as Y from 'yjs';
import { randomInt } from 'node:crypto';
import { randomId, type NoteId } from '#lib/domain/ids.ts';
import { createNote, deleteNote, notesMap, readNote } from '#lib/domain/notes.ts';
import { occupancyOf } from '#lib/domain/lane-space.ts';
import type { Occupancy } from '#lib/domain/placement.ts';
import { anonymousNotes, dayOf } from '#lib/domain/visibility.ts';

/** Origin of the server's own writes: logged without a member, never attributed to a client. */
export const SERVER_ORIGIN = { source: 'local', zwerm: 'server' } as const;

/** One member's private document, as the mirror reads it. */
export interface MirrorSource {
	readonly name: string;
	readonly doc: Y.Doc;
	/** Which anonymous note mirrors which of this document's notes; never leaves the server. */
	readonly links: readonly { anonId: string; noteId: string }[];
}

export interface MirrorChange {
	readonly added: { anonId: string; noteId: string }[];
	readonly removed: string[];
}

type MirrorOp =
	| { readonly kind: 'upsert'; readonly source: Y.Doc; readonly noteId: NoteId; readonly anonId: NoteId }
	| { readonly kind: 'delete'; readonly anonId: NoteId };

/**
 * Makes the anonymous document show exactly the anonymous notes of every
 * source, in ONE transaction whose changes come in a random order. One
 * transaction is one log entry, one replay step and one live frame; if each
 * author's notes went in a write of their own, or in the order of the member
 * list, the grouping and the order would tell who wrote what. Notes that did
 * not change are not touched, so they are not part of the write at all.
 * A new anonymous note gets its place from the server (the first free slot of
 * the anonymous lane, in the shuffled order), never its author's: the private
 * lane's layout is the author's alone, and a copied place, or notes of one
 * author placed side by side, would point at them. The place is set once; the
 * author moving the private note later does not move the copy.
 * Returns, per source, the links to add and remove.
 */
export function applyMirrors(
	sources: readonly MirrorSource[],
	anon: Y.Doc,
	openRounds: ReadonlySet<string>,
	shuffle: <T>(items: T[]) => T[] = shuffled
): Map<string, MirrorChange> {
	const changes = new Map<string, MirrorChange>();
	const ops: MirrorOp[] = [];
	for (const source of sources) {
		const wanted = new Set<string>(anonymousNotes(source.doc, openRounds));
		const byNote = new Map(source.links.map((l) => [l.noteId, l.anonId]));
		const change: MirrorChange = { added: [], removed: [] };
		for (const noteId of wanted) {
			let anonId = byNote.get(noteId);
			if (!anonId) {
				anonId = randomId(16);
				change.added.push({ anonId, noteId });
			}
			if (differs(source.doc, anon, noteId as NoteId, anonId as NoteId)) ops.push({ kind: 'upsert', source: source.doc, noteId: noteId as NoteId, anonId: anonId as NoteId });
		}
		for (const { anonId, noteId } of source.links) {
			if (wanted.has(noteId)) continue;
			if (readNote(anon, anonId)) ops.push({ kind: 'delete', anonId: anonId as NoteId });
			change.removed.push(anonId);
		}
		changes.set(source.name, change);
	}
	if (ops.length) {
		const space = occupancyOf(anon, 'anonymous');
		anon.transact(() => {
			for (const op of shuffle(ops)) {
				if (op.kind === 'delete') {
					deleteNote(anon, op.anonId);
					space.remove(op.anonId);
				} else upsertMirror(op.source, anon, op.noteId, op.anonId, space);
			}
		}, SERVER_ORIGIN);
	}
	return changes;
}

/** Fisher–Yates with a cryptographic source: the order must not be guessable. */
export function shuffled<T>(items: T[]): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

/** What follows the private note. Not its place: that is the server's (see applyMirrors). */
const FIELDS = ['color'] as const;

function differs(source: Y.Doc, anon: Y.Doc, noteId: NoteId, anonId: NoteId): boolean {
	const existing = notesMap(anon).get(anonId);
	if (!(existing instanceof Y.Map)) return true;
	const data = readNote(source, noteId)!;
	if (FIELDS.some((k) => existing.get(k) !== data[k])) return true;
	if ((existing.get('loop') ?? null) !== data.loop) return true;
	if ((existing.get('question') ?? null) !== data.question) return true;
	return (existing.get('content') as Y.XmlFragment).toJSON() !== contentOf(source, noteId).toJSON();
}

const contentOf = (doc: Y.Doc, id: NoteId) => (notesMap(doc).get(id) as Y.Map<unknown>).get('content') as Y.XmlFragment;

function upsertMirror(source: Y.Doc, anon: Y.Doc, noteId: NoteId, anonId: NoteId, space: Occupancy) {
	const data = readNote(source, noteId)!;
	const content = contentOf(source, noteId);
	const existing = notesMap(anon).get(anonId);
	if (!(existing instanceof Y.Map)) {
		createNote(anon, {
			id: anonId,
			createdBy: null,
			at: dayOf(data.createdAt),
			color: data.color,
			place: { ...space.placeAndAdd(anonId), kind: 'anonymous' },
			loop: data.loop,
			question: data.question,
			nodes: content.toArray() as (Y.XmlElement | Y.XmlText)[]
		});
		return;
	}
	for (const key of FIELDS) if (existing.get(key) !== data[key]) existing.set(key, data[key]);
	if ((existing.get('loop') ?? null) !== data.loop) {
		if (data.loop) existing.set('loop', data.loop);
		else existing.delete('loop');
	}
	if ((existing.get('question') ?? null) !== data.question) {
		if (data.question === null) existing.delete('question');
		else existing.set('question', data.question);
	}
	const mirror = existing.get('content') as Y.XmlFragment;
	if (mirror.toJSON() !== content.toJSON()) {
		mirror.delete(0, mirror.length);
		mirror.insert(0, content.toArray().map((n) => (n as Y.XmlElement | Y.XmlText).clone()));
	}
}
