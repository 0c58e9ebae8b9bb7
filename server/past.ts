import { setImmediate as nextTurn } from 'node:timers/promises';
import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type { DocumentLog } from './storage/types.ts';
import { createNote, notesMap, noteContent, plainText, toNoteData, type CitationRef } from '#lib/domain/notes.ts';
import { NOTE_VIEW_CHARS, type LaneKey, type NotePatch, type NoteView, type ReplayStep } from '#lib/domain/history.ts';
import { diff } from '#lib/domain/patch.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import type { NoteFact } from '#lib/domain/edits.ts';
import { noteTouchesBy, notesTouchedBy, type NoteTouch } from '#lib/domain/touched.ts';
import type { GroupBoard } from './board-reader.ts';

/**
 * Building past boards from the update log: what the timeline and the news
 * share. Every function here shows what the group may see now (the board
 * reader's `HiddenNotes`), never more.
 */

/** Rebuilding yields to the event loop after this long, so /healthz and websockets are answered meanwhile. */
const SLICE_MS = 10;

/** Lets the event loop run once the work since the last pause has held it for SLICE_MS. */
export function breather(): () => Promise<void> {
	let since = performance.now();
	return async () => {
		if (performance.now() - since < SLICE_MS) return;
		await nextTurn();
		since = performance.now();
	};
}

/** A document exactly as the log had it at `seq`: nearest checkpoint, then the log forward. */
export async function docAt(log: DocumentLog, name: string, seq: number): Promise<Y.Doc> {
	const state = await log.stateAt(name, seq);
	const doc = new Y.Doc();
	doc.transact(() => {
		if (state.checkpoint) Y.applyUpdateV2(doc, state.checkpoint);
		for (const u of state.updates) Y.applyUpdate(doc, u.data);
	});
	return doc;
}

/** Every group document of a board as it was at `seq`. */
export async function docsAt(log: DocumentLog, board: GroupBoard, seq: number): Promise<Map<string, Y.Doc>> {
	const docs = new Map<string, Y.Doc>();
	const breathe = breather();
	for (const name of board.lanes.keys()) {
		await breathe();
		docs.set(name, await docAt(log, name, seq));
	}
	return docs;
}

/**
 * A note as the past may show it: without citations of notes that are private
 * or anonymous now, which would name their author beside their text.
 */
export function withoutHiddenCites(board: GroupBoard, note: NoteView): NoteView {
	const cites = board.hidden.visibleCites(note.cites);
	return cites === note.cites ? note : { ...note, cites };
}

/** A lane's notes; with `board`, without the ones hidden now. */
export function notesOf(board: GroupBoard | null, lane: LaneKey, doc: Y.Doc): NoteView[] {
	const hidden = board?.hidden.ofLane(lane);
	const out: NoteView[] = [];
	notesMap(doc).forEach((note, id) => {
		if (note instanceof Y.Map && !hidden?.has(id)) out.push(noteView(lane, doc, id, note));
	});
	return out;
}

/**
 * A note as history shows it. A note longer than NOTE_VIEW_CHARS (only
 * possible from before the note quota) is cut to its beginning, as plain
 * paragraphs, and marked: every answer stays bounded per note.
 */
function noteView(lane: LaneKey, doc: Y.Doc, id: string, note: Y.Map<unknown>): NoteView {
	const data = toNoteData(id, note);
	const fragment = noteContent(doc, data.id);
	const text = plainText(fragment);
	let content = text.length > NOTE_VIEW_CHARS ? null : yXmlFragmentToProsemirrorJSON(fragment);
	if (content && JSON.stringify(content).length > 4 * NOTE_VIEW_CHARS) content = null;
	const shown = content ? text : text.slice(0, NOTE_VIEW_CHARS);
	return {
		id,
		lane,
		content: content ?? plainContent(shown),
		...(content ? {} : { truncated: true as const }),
		text: shown,
		color: data.color,
		x: data.x,
		y: data.y,
		...(data.px !== null && data.py !== null ? { px: data.px, py: data.py } : {}),
		// The anonymous lane's notes carry no author and a day-rounded time already; keep them so.
		createdAt: lane === 'anonymous' ? null : data.createdAt,
		createdBy: lane === 'anonymous' ? null : data.createdBy,
		loop: data.loop,
		cites: data.cites
	};
}

/** Plain text as ProseMirror JSON: one paragraph per line. */
function plainContent(text: string): NoteView['content'] {
	return {
		type: 'doc',
		content: text.split('\n').map((line) => (line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' }))
	};
}

/** Applies one logged update to `doc` and says which notes it touched, and whether their fields or their text. */
export function applyAndCollectTouches(doc: Y.Doc, update: Uint8Array): Map<string, NoteTouch> {
	const touches = new Map<string, NoteTouch>();
	const collect = (tr: Y.Transaction) => {
		for (const [id, touch] of noteTouchesBy(doc, tr)) {
			const had = touches.get(id);
			touches.set(id, had ? { fields: had.fields || touch.fields, content: had.content || touch.content } : touch);
		}
	};
	doc.on('afterTransaction', collect);
	Y.applyUpdate(doc, update);
	doc.off('afterTransaction', collect);
	return touches;
}

/** Applies one logged update to `doc` and says which notes it touched. */
export function applyAndCollect(doc: Y.Doc, update: Uint8Array): Set<string> {
	const touched = new Set<string>();
	const collect = (tr: Y.Transaction) => {
		for (const id of notesTouchedBy(doc, tr)) touched.add(id);
	};
	doc.on('afterTransaction', collect);
	Y.applyUpdate(doc, update);
	doc.off('afterTransaction', collect);
	return touched;
}

/**
 * Applies one logged update to its lane and says what changed for the notes
 * the group may see, as differences from `shown` (which it keeps up to date).
 * Null when the update touched only notes hidden now.
 */
export function replayStep(
	board: GroupBoard,
	doc: Y.Doc,
	lane: LaneKey,
	entry: { readonly seq: number; readonly data: Uint8Array },
	shown: Map<string, NoteView>
): ReplayStep | null {
	const touched = applyAndCollect(doc, entry.data);
	const hidden = board.hidden.ofLane(lane);
	const changed: NotePatch[] = [];
	const removed: { lane: LaneKey; id: string }[] = [];
	for (const id of touched) {
		if (hidden?.has(id)) continue;
		const note = notesMap(doc).get(id);
		const key = `${lane}\u0000${id}`;
		if (note instanceof Y.Map) {
			const after = withoutHiddenCites(board, noteView(lane, doc, id, note));
			const before = shown.get(key);
			shown.set(key, after);
			const patch = before ? diff(before, after) : { v: after };
			if (patch) changed.push({ lane, id, patch });
		} else {
			shown.delete(key);
			removed.push({ lane, id });
		}
	}
	if (touched.size > 0 && [...touched].every((id) => hidden?.has(id))) return null;
	return { seq: entry.seq, changed, removed };
}

/** A note's place in board units as it was (absent for notes from before them). */
function restorePlace(current: Y.Map<unknown>, data: ReturnType<typeof toNoteData>): void {
	for (const [key, v] of [['px', data.px], ['py', data.py]] as const) {
		if (v === null) {
			if (current.has(key)) current.delete(key);
		} else if (current.get(key) !== v) current.set(key, v);
	}
}

/** Makes `live`'s notes what `past` had, changing only what differs. */
export function restoreNotes(past: Y.Doc, live: Y.Doc): void {
	const pastNotes = notesMap(past);
	const liveNotes = notesMap(live);
	for (const id of [...liveNotes.keys()]) if (!pastNotes.has(id)) liveNotes.delete(id);
	pastNotes.forEach((note, id) => {
		if (!(note instanceof Y.Map)) return;
		const data = toNoteData(id, note);
		const nodes = noteContent(past, data.id).toArray() as (Y.XmlElement | Y.XmlText)[];
		const current = liveNotes.get(id);
		if (!(current instanceof Y.Map)) {
			createNote(live, { id: data.id, color: data.color, x: data.x, y: data.y, createdBy: data.createdBy, at: data.createdAt, cites: data.cites, loop: data.loop, nodes });
			restorePlace(liveNotes.get(id) as Y.Map<unknown>, data);
			return;
		}
		const now = toNoteData(id, current);
		if (now.color !== data.color) current.set('color', data.color);
		if (now.x !== data.x) current.set('x', data.x);
		if (now.y !== data.y) current.set('y', data.y);
		restorePlace(current, data);
		if (now.loop !== data.loop) {
			if (data.loop) current.set('loop', data.loop);
			else current.delete('loop');
		}
		const cites = current.get('cites');
		if (cites instanceof Y.Array && JSON.stringify(cites.toArray()) !== JSON.stringify(data.cites)) {
			cites.delete(0, cites.length);
			cites.push([...data.cites]);
		}
		const fragment = noteContent(live, data.id);
		if (JSON.stringify(yXmlFragmentToProsemirrorJSON(fragment)) !== JSON.stringify(yXmlFragmentToProsemirrorJSON(noteContent(past, data.id)))) {
			fragment.delete(0, fragment.length);
			fragment.insert(0, nodes.map((n) => n.clone()));
		}
	});
}

/** What the edit grouping needs to know of a note as a log entry left it. */
export interface NoteState {
	readonly text: string;
	readonly x: number;
	readonly y: number;
	readonly cites: readonly CitationRef[];
}

/**
 * One entry's effect on one note; citations gained also as refs, so that
 * those of notes hidden now can be left out when answering (`cited` here
 * counts them all).
 */
export interface LaneFact extends NoteFact {
	readonly cites: readonly CitationRef[];
}

/** How much of a note's text an edit's label carries. */
export const EXCERPT_CHARS = 60;

export function noteState(doc: Y.Doc, id: string, note: Y.Map<unknown>): NoteState {
	const data = toNoteData(id, note);
	return { text: plainText(noteContent(doc, data.id)), x: data.x, y: data.y, cites: data.cites };
}

/**
 * What one applied log entry did to the notes it touched, against `notes`
 * (each note as the entries before left it; kept up to date here).
 */
export function factsOf(doc: Y.Doc, touched: ReadonlyMap<string, NoteTouch>, notes: Map<string, NoteState>): LaneFact[] {
	const facts: LaneFact[] = [];
	for (const [id, touch] of touched) {
		const before = notes.get(id);
		const note = notesMap(doc).get(id);
		if (!(note instanceof Y.Map)) {
			if (!before) continue;
			notes.delete(id);
			facts.push({ id, kind: 'removed', text: false, moved: false, cited: false, cites: [], excerpt: before.text.slice(0, EXCERPT_CHARS) });
			continue;
		}
		// Read only what changed: a keystroke leaves the fields alone, a move the text.
		let after: NoteState;
		if (!before) after = noteState(doc, id, note);
		else {
			const fields = touch.fields ? toNoteData(id, note) : null;
			after = {
				text: touch.content ? plainText(noteContent(doc, id as NoteId)) : before.text,
				x: fields ? fields.x : before.x,
				y: fields ? fields.y : before.y,
				cites: fields ? fields.cites : before.cites
			};
		}
		notes.set(id, after);
		const had = new Set(before?.cites ?? []);
		const cites = after.cites === before?.cites ? [] : after.cites.filter((ref) => !had.has(ref));
		facts.push({
			id,
			kind: before ? 'changed' : 'created',
			text: before ? before.text !== after.text : after.text.length > 0,
			moved: before ? before.x !== after.x || before.y !== after.y : false,
			cited: cites.length > 0,
			cites,
			excerpt: after.text.slice(0, EXCERPT_CHARS)
		});
	}
	return facts;
}
