import * as Y from 'yjs';
import type { MemberId, NoteId } from './ids.ts';
import { newNoteId } from './ids.ts';
import { DEFAULT_NOTE_COLOR, isNoteColor, type NoteColor } from './palette.ts';
import { notePosition, type Point, type RegionKind } from './board-space.ts';
import { freePlaceAt, placeFor } from './lane-space.ts';
import { NOTES_KEY, clamp01, notesMap, num, storedPlace, writePlace } from './note-place.ts';

export { NOTES_KEY, notesMap };

/**
 * Notes as pure functions over a lane document (an individual lane or the
 * collective lane). Every document holds one root map `notes`:
 *   noteId → Y.Map { id, content: Y.XmlFragment, color, px, py, x, y,
 *                    createdAt, createdBy, loop?, cluster?, cites: Y.Array<CitationRef> }
 * px and py are the note's place in its region in board units (board-space.ts);
 * x and y the same place as fractions of a lane of the old shape, written
 * beside them for older clients (and all that notes from before board units
 * have). On a paradox board x is the position between the two poles.
 */
export const LEARNING_LOOPS = ['hoe', 'waarom', 'waartoe'] as const;
export type LearningLoop = (typeof LEARNING_LOOPS)[number];
export const isLearningLoop = (v: unknown): v is LearningLoop =>
	LEARNING_LOOPS.includes(v as LearningLoop);

/**
 * Points at an individual note: `lane:<memberId>:<noteId>` for a shared note,
 * `anon:<noteId>` for a note in the board's anonymous document (no author).
 */
export type CitationRef = `lane:${string}:${string}` | `anon:${string}`;
export const citationRef = (memberId: MemberId, noteId: NoteId): CitationRef =>
	`lane:${memberId}:${noteId}`;
export const anonymousCitationRef = (noteId: NoteId): CitationRef => `anon:${noteId}`;
export function parseCitationRef(ref: string): { memberId: MemberId | null; noteId: NoteId } | null {
	const lane = /^lane:([A-Za-z0-9_-]{10,32}):([A-Za-z0-9_-]{10,32})$/.exec(ref);
	if (lane) return { memberId: lane[1] as MemberId, noteId: lane[2] as NoteId };
	const anon = /^anon:([A-Za-z0-9_-]{10,32})$/.exec(ref);
	return anon ? { memberId: null, noteId: anon[1] as NoteId } : null;
}

export interface NoteData {
	readonly id: NoteId;
	readonly color: NoteColor;
	readonly x: number;
	readonly y: number;
	/** Place in its region in board units (board-space.ts); null for notes from before them (read `x`, `y`). */
	readonly px: number | null;
	readonly py: number | null;
	readonly createdAt: number;
	readonly createdBy: MemberId | null;
	readonly loop: LearningLoop | null;
	readonly cites: readonly CitationRef[];
	/** Notes in a private document only: see visibility.ts. */
	readonly anonymous: boolean;
	/** Private notes once shared: they never become anonymous (visibility.ts). */
	readonly named: boolean;
	readonly round: string | null;
	readonly reveal: 'private' | 'shared' | 'anonymous' | null;
	/** Placed by placement, not moved by a person since (see `placeNote`). */
	readonly auto: boolean;
	/** Collective notes: the affinity cluster it is in (arrange.ts), if any; the cluster may since have gone. */
	readonly cluster: string | null;
	/** The dialogue question of its aspect this note answers (an index into `aspect.questions`), if any. */
	readonly question: number | null;
}

export interface NewNote {
	readonly id?: NoteId;
	readonly color?: NoteColor;
	readonly x?: number;
	readonly y?: number;
	/** A place in board units in a region of this kind: written as `px`, `py` and, for older clients, as fractions. */
	readonly place?: { readonly x: number; readonly y: number; readonly kind: RegionKind };
	/** The place was chosen by placement, not by a person: it may move to settle a concurrent clash (src/lib/sync/settle.ts). */
	readonly auto?: boolean;
	readonly createdBy: MemberId | null;
	readonly at: number;
	/** Initial content: plain text (a paragraph per line) or cloned nodes. */
	readonly text?: string;
	readonly nodes?: readonly (Y.XmlElement | Y.XmlText)[];
	readonly cites?: readonly CitationRef[];
	readonly loop?: LearningLoop | null;
	readonly question?: number | null;
}

/** A note answers at most one of its aspect's dialogue questions, by index; no aspect has more than this many. */
export const MAX_QUESTIONS = 32;
export const isQuestionIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < MAX_QUESTIONS;

export class NoteNotFoundError extends Error {
	readonly code = 'note-not-found';
	readonly noteId: string;
	constructor(noteId: string) {
		super(`No note ${noteId}`);
		this.noteId = noteId;
	}
}

function noteMap(doc: Y.Doc, id: string): Y.Map<unknown> {
	const note = notesMap(doc).get(id);
	if (!(note instanceof Y.Map)) throw new NoteNotFoundError(id);
	return note;
}

/** Creates a note; its rich-text fragment is created in the same transaction. */
export function createNote(doc: Y.Doc, init: NewNote, origin: unknown = null): NoteId {
	const id = init.id ?? newNoteId();
	doc.transact(() => {
		const note = new Y.Map<unknown>();
		const content = new Y.XmlFragment();
		note.set('id', id);
		note.set('color', init.color ?? DEFAULT_NOTE_COLOR);
		if (init.place) {
			writePlace(note, init.place, init.place.kind);
			if (init.auto) note.set('auto', true);
		} else {
			note.set('x', clamp01(init.x ?? 0.5));
			note.set('y', clamp01(init.y ?? 0.5));
		}
		note.set('createdAt', init.at);
		note.set('createdBy', init.createdBy);
		if (init.loop) note.set('loop', init.loop);
		if (isQuestionIndex(init.question)) note.set('question', init.question);
		// Always present, so concurrent bring-ins push into one shared array
		// instead of each setting its own (a map keeps only one of those).
		note.set('cites', Y.Array.from([...new Set(init.cites ?? [])]));
		note.set('content', content);
		notesMap(doc).set(id, note);
		if (init.nodes?.length) content.insert(0, init.nodes.map((n) => n.clone()));
		else if (init.text) setPlainText(content, init.text);
	}, origin);
	return id;
}

/**
 * Puts a note at a place in its region, in board units (and the fractions
 * older clients read). A person put it there: it is no longer placed
 * automatically, so settling never moves it (`{ auto: true }` is settling's own move).
 */
export function placeNote(doc: Y.Doc, id: NoteId, p: Point, kind: RegionKind, origin: unknown = null, options: { auto?: boolean } = {}): void {
	doc.transact(() => {
		const note = noteMap(doc, id);
		writePlace(note, p, kind);
		if (options.auto) note.set('auto', true);
		else if (note.has('auto')) note.delete('auto');
	}, origin);
}

/** Moves a note by fractions of its lane (the lane view from before board units); forgets its board units. */
export function moveNote(doc: Y.Doc, id: NoteId, x: number, y: number, origin: unknown = null): void {
	doc.transact(() => {
		const note = noteMap(doc, id);
		note.set('x', clamp01(x));
		note.set('y', clamp01(y));
		note.delete('px');
		note.delete('py');
	}, origin);
}

export function setNoteColor(doc: Y.Doc, id: NoteId, color: NoteColor, origin: unknown = null): void {
	if (!isNoteColor(color)) throw new TypeError(`Unknown colour ${color}`);
	doc.transact(() => noteMap(doc, id).set('color', color), origin);
}

export function setNoteLoop(doc: Y.Doc, id: NoteId, loop: LearningLoop | null, origin: unknown = null): void {
	doc.transact(() => {
		const note = noteMap(doc, id);
		if (loop) note.set('loop', loop);
		else note.delete('loop');
	}, origin);
}

/** Ties a note to the dialogue question it answers (an index into its aspect's questions), or unties it. */
export function setNoteQuestion(doc: Y.Doc, id: NoteId, question: number | null, origin: unknown = null): void {
	if (question !== null && !isQuestionIndex(question)) throw new TypeError(`Not a question index: ${question}`);
	doc.transact(() => {
		const note = noteMap(doc, id);
		if (question === null) note.delete('question');
		else note.set('question', question);
	}, origin);
}

export function deleteNote(doc: Y.Doc, id: NoteId, origin: unknown = null): void {
	doc.transact(() => {
		noteMap(doc, id);
		notesMap(doc).delete(id);
	}, origin);
}

export function noteContent(doc: Y.Doc, id: NoteId): Y.XmlFragment {
	const content = noteMap(doc, id).get('content');
	if (!(content instanceof Y.XmlFragment)) throw new NoteNotFoundError(id);
	return content;
}

/** Reads a note defensively: documents are written by clients, so fields may be malformed. */
export function readNote(doc: Y.Doc, id: string): NoteData | null {
	const note = notesMap(doc).get(id);
	return note instanceof Y.Map ? toNoteData(id, note) : null;
}

export function toNoteData(id: string, note: Y.Map<unknown>): NoteData {
	const color = note.get('color');
	const createdBy = note.get('createdBy');
	const loop = note.get('loop');
	const cites = note.get('cites');
	const round = note.get('round');
	const reveal = note.get('reveal');
	const cluster = note.get('cluster');
	const question = note.get('question');
	return {
		id: id as NoteId,
		color: isNoteColor(color) ? color : DEFAULT_NOTE_COLOR,
		...storedPlace(note),
		createdAt: num(note.get('createdAt'), 0),
		createdBy: typeof createdBy === 'string' ? (createdBy as MemberId) : null,
		loop: isLearningLoop(loop) ? loop : null,
		// Two people can add the same citation at once: show it once.
		cites:
			cites instanceof Y.Array
				? [...new Set(cites.toArray().filter((r): r is CitationRef => typeof r === 'string' && parseCitationRef(r) !== null))]
				: [],
		anonymous: note.get('visibility') === 'anonymous',
		named: note.get('named') === true,
		round: typeof round === 'string' ? round : null,
		reveal: reveal === 'private' || reveal === 'shared' || reveal === 'anonymous' ? reveal : null,
		auto: note.get('auto') === true,
		cluster: typeof cluster === 'string' ? cluster : null,
		question: isQuestionIndex(question) ? question : null
	};
}

/** All notes in reading order: top to bottom, then left to right. */
export function listNotes(doc: Y.Doc): NoteData[] {
	const out: NoteData[] = [];
	notesMap(doc).forEach((note, id) => {
		if (note instanceof Y.Map) out.push(toNoteData(id, note));
	});
	return out.sort(readingOrder);
}

export function readingOrder(a: NoteData, b: NoteData): number {
	return a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Moves a note to another lane (another document): a new note with the same
 * content and colour appears there, and the original is removed. It keeps its
 * place when that is free in the new lane (a region of `by.kind`), else goes to
 * the free place nearest to it, or to `by.place`. The
 * two documents are separate, so this is two transactions; the new note is
 * written first so that nothing is lost if the second write never arrives.
 */
export function transferNote(
	from: Y.Doc,
	to: Y.Doc,
	id: NoteId,
	by: { createdBy: MemberId | null; at: number; place?: { x: number; y: number; kind: RegionKind }; kind?: RegionKind },
	origin: unknown = null
): NoteId {
	const data = readNote(from, id);
	if (!data) throw new NoteNotFoundError(id);
	const nodes = noteContent(from, id).toArray();
	// Where it was, if that is free in the new lane; else the free place nearest to it.
	const kind = by.kind ?? 'member';
	const place = by.place ?? { ...freePlaceAt(to, kind, notePosition(data, kind), id), kind };
	const newId = createNote(
		to,
		// The same id in its new lane: the timeline sees one note that moved, not one deleted and one new.
		{ ...by, id, color: data.color, place, loop: data.loop, question: data.question, cites: data.cites, nodes: nodes as (Y.XmlElement | Y.XmlText)[] },
		origin
	);
	deleteNote(from, id, origin);
	return newId;
}

/** Where a note citing `ref` is (the first in reading order), to put a new one beside it. */
export function placeOfCiting(doc: Y.Doc, ref: CitationRef, kind: RegionKind): Point | undefined {
	const citing = listNotes(doc).find((n) => n.cites.includes(ref));
	return citing ? notePosition(citing, kind) : undefined;
}

/**
 * Brings an individual note into the collective lane. Without `into`, a new
 * collective note is created with a copy of the text that cites the source, at
 * a free place beside notes citing the same source (or `by.place`); with
 * `into`, an existing collective note gains the citation (one collective note can
 * grow from several individual notes). Returns the collective note's id.
 */
export function bringIn(
	collective: Y.Doc,
	source: { doc: Y.Doc; memberId: MemberId | null; noteId: NoteId },
	by: { createdBy: MemberId | null; at: number; into?: NoteId; place?: Point },
	origin: unknown = null
): NoteId {
	const data = readNote(source.doc, source.noteId);
	if (!data) throw new NoteNotFoundError(source.noteId);
	const ref = source.memberId ? citationRef(source.memberId, source.noteId) : anonymousCitationRef(source.noteId);
	if (by.into) {
		const target = noteMap(collective, by.into);
		collective.transact(() => {
			let cites = target.get('cites');
			if (!(cites instanceof Y.Array)) {
				cites = new Y.Array<CitationRef>();
				target.set('cites', cites);
			}
			const list = cites as Y.Array<CitationRef>;
			if (!list.toArray().includes(ref)) list.push([ref]);
		}, origin);
		return by.into;
	}
	const nodes = noteContent(source.doc, source.noteId).toArray() as (Y.XmlElement | Y.XmlText)[];
	return createNote(
		collective,
		{
			createdBy: by.createdBy,
			at: by.at,
			color: data.color,
			// Beside a note that already cites the same source, else the first free place: never on top of another.
			place: { ...(by.place ?? placeFor(collective, 'collective', { near: placeOfCiting(collective, ref, 'collective') })), kind: 'collective' },
			auto: !by.place,
			loop: data.loop,
			question: data.question,
			cites: [ref],
			nodes
		},
		origin
	);
}

export function removeCitation(collective: Y.Doc, id: NoteId, ref: CitationRef, origin: unknown = null): void {
	collective.transact(() => {
		const cites = noteMap(collective, id).get('cites');
		if (!(cites instanceof Y.Array)) return;
		const arr = cites as Y.Array<unknown>;
		for (let i = arr.length - 1; i >= 0; i--) if (arr.get(i) === ref) arr.delete(i, 1);
	}, origin);
}

/** Backlinks: for each cited individual note, the collective notes that cite it. */
export function citedBy(collective: Y.Doc): Map<CitationRef, NoteId[]> {
	const out = new Map<CitationRef, NoteId[]>();
	for (const note of listNotes(collective)) {
		for (const ref of note.cites) {
			const list = out.get(ref) ?? [];
			list.push(note.id);
			out.set(ref, list);
		}
	}
	return out;
}

/** Replaces the fragment's content with plain text, a paragraph per line (empty lines kept). */
export function setPlainText(fragment: Y.XmlFragment, text: string): void {
	const paragraphs = text.split('\n').map((line) => {
		const p = new Y.XmlElement('paragraph');
		if (line) p.insert(0, [new Y.XmlText(line)]);
		return p;
	});
	const apply = () => {
		fragment.delete(0, fragment.length);
		fragment.insert(0, paragraphs);
	};
	if (fragment.doc) fragment.doc.transact(apply);
	else apply();
}

/** The note's text without formatting; block elements become lines. */
export function plainText(node: Y.XmlFragment | Y.XmlElement | Y.XmlText): string {
	if (node instanceof Y.XmlText) {
		return (node.toDelta() as { insert: unknown }[])
			.map((d) => (typeof d.insert === 'string' ? d.insert : ''))
			.join('');
	}
	const children = node.toArray() as (Y.XmlElement | Y.XmlText)[];
	const blocks = children.map((child) => plainText(child));
	const isBlockContainer = children.some((c) => c instanceof Y.XmlElement);
	return blocks.join(isBlockContainer ? '\n' : '');
}
