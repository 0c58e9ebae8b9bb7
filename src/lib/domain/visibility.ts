import * as Y from 'yjs';
import type { MemberId, NoteId } from './ids.ts';
import { NoteNotFoundError, createNote, noteContent, notesMap, readNote, transferNote } from './notes.ts';
import { placeFor } from './lane-space.ts';
import type { Point } from './board-space.ts';

/**
 * Who sees an individual note. Each visibility lives in its own document
 * (see docs/ARCHITECTURE.md), because access is decided per document:
 *   private   → the author's private document (`…/lane/<member>/private`)
 *   shared    → the author's lane document, with their name
 *   anonymous → the author's private document, flagged; the server mirrors
 *               it into the board's anonymous document under its own name.
 */
export const VISIBILITIES = ['private', 'shared', 'anonymous'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const isVisibility = (v: unknown): v is Visibility => VISIBILITIES.includes(v as Visibility);

/** Fields of a note in a private document. */
export interface PrivateNoteState {
	/** 'anonymous' when the server should show it, without a name, to the group. */
	readonly visibility: 'private' | 'anonymous';
	/** The silent round it was written in, while that round is not yet revealed. */
	readonly round: string | null;
	/** What it becomes when its round is revealed. */
	readonly reveal: Visibility;
	/**
	 * Once shown to the group with the author's name (it was shared, then made
	 * private). Such a note never becomes anonymous: whoever saw it, and the
	 * board's history, would tie it to its author. Only an anonymous copy can.
	 */
	readonly named: boolean;
}

export function readPrivateState(note: Y.Map<unknown>): PrivateNoteState {
	const visibility = note.get('visibility');
	const round = note.get('round');
	const reveal = note.get('reveal');
	return {
		visibility: visibility === 'anonymous' ? 'anonymous' : 'private',
		round: typeof round === 'string' && round.length <= 40 ? round : null,
		reveal: isVisibility(reveal) ? reveal : 'shared',
		named: note.get('named') === true
	};
}

export function privateState(doc: Y.Doc, id: NoteId): PrivateNoteState | null {
	const note = notesMap(doc).get(id);
	return note instanceof Y.Map ? readPrivateState(note) : null;
}

export function setAnonymous(doc: Y.Doc, id: NoteId, anonymous: boolean, origin: unknown = null): void {
	doc.transact(() => {
		const note = notesMap(doc).get(id);
		if (note instanceof Y.Map) note.set('visibility', anonymous ? 'anonymous' : 'private');
	}, origin);
}

/** Marks a note as written during a silent round, to become `reveal` when the round ends. */
export function setRound(doc: Y.Doc, id: NoteId, round: string | null, reveal: Visibility, origin: unknown = null): void {
	doc.transact(() => {
		const note = notesMap(doc).get(id);
		if (!(note instanceof Y.Map)) return;
		if (round) note.set('round', round);
		else note.delete('round');
		note.set('reveal', reveal);
	}, origin);
}

/**
 * Notes the server mirrors into the anonymous document: flagged, not held back
 * by a round, and never shown with a name before.
 */
export function anonymousNotes(doc: Y.Doc, openRounds: ReadonlySet<string>): NoteId[] {
	const out: NoteId[] = [];
	notesMap(doc).forEach((note, id) => {
		if (!(note instanceof Y.Map)) return;
		const s = readPrivateState(note);
		if (s.visibility === 'anonymous' && !s.named && !(s.round && openRounds.has(s.round))) out.push(id as NoteId);
	});
	return out;
}

/** Why a visibility change was refused. */
export class VisibilityError extends Error {
	readonly code = 'shown-with-name';
	constructor() {
		super('This note was shown with its author\'s name: it cannot become anonymous. Post an anonymous copy instead.');
	}
}

/** Whether an own note may still become anonymous: only if nobody ever saw it with a name. */
export function canBecomeAnonymous(from: 'private' | 'shared', note: { readonly named?: boolean } | null): boolean {
	return from === 'private' && note?.named !== true;
}

/** Rounds a time down to the day, so an anonymous note's time does not point at whoever was typing then. */
export const dayOf = (ms: number): number => Math.floor(ms / 86_400_000) * 86_400_000;

/**
 * Changes what an own note is. Private and anonymous notes live in the private
 * document, shared ones in the lane document: moving between them is a
 * transfer (the copy first, then the removal), anonymity a flag the server acts on.
 * Returns the note's id afterwards (a transfer gives it a new one).
 */
export function changeVisibility(
	docs: { private: Y.Doc; shared: Y.Doc },
	from: 'private' | 'shared',
	id: NoteId,
	to: Visibility,
	by: { createdBy: MemberId | null; at: number },
	origin: unknown = null
): NoteId {
	if (from === 'shared') {
		if (to === 'shared') return id;
		// The group saw it with a name (and the board's history keeps that): it can be private again, never anonymous.
		if (to === 'anonymous') throw new VisibilityError();
		const moved = transferNote(docs.shared, docs.private, id, by, origin);
		docs.private.transact(() => (notesMap(docs.private).get(moved) as Y.Map<unknown>).set('named', true), origin);
		return moved;
	}
	if (to === 'shared') return transferNote(docs.private, docs.shared, id, by, origin);
	if (to === 'anonymous' && privateState(docs.private, id)?.named) throw new VisibilityError();
	setAnonymous(docs.private, id, to === 'anonymous', origin);
	return id;
}

/**
 * The safe way to say anonymously what was said with a name: a new note in the
 * private document, flagged anonymous, with the same text, colour and learning
 * loop, under a new id and at a new place (`at`), so nothing but its text ties
 * it to the original. The original stays where it is.
 */
export function anonymousCopy(
	docs: { private: Y.Doc; source: Y.Doc },
	id: NoteId,
	by: { createdBy: MemberId; at: number; place?: Point },
	origin: unknown = null
): NoteId {
	const data = readNote(docs.source, id);
	const place = by.place ?? placeFor(docs.private, 'private');
	if (!data) throw new NoteNotFoundError(id);
	const nodes = noteContent(docs.source, id).toArray() as (Y.XmlElement | Y.XmlText)[];
	let copy: NoteId = id;
	docs.private.transact(() => {
		copy = createNote(docs.private, { createdBy: by.createdBy, at: by.at, place: { ...place, kind: 'private' }, color: data.color, loop: data.loop, nodes }, origin);
		(notesMap(docs.private).get(copy) as Y.Map<unknown>).set('visibility', 'anonymous');
	}, origin);
	return copy;
}
