import type * as Y from 'yjs';
import { notesMap } from './notes.ts';

/** Yjs types a transaction's changed map by AbstractType<YEvent<any>>; only the item links matter here. */
type Changed = Parameters<Y.Transaction['changed']['get']>[0];

/** Which notes one changed type of a transaction belongs to. */
function noteIdsOf(doc: Y.Doc, type: Changed, keys: Set<string | null>): string[] {
	const notes: unknown = notesMap(doc);
	if (type === notes) return [...keys].filter((k): k is string => k !== null);
	let t: Changed | null = type;
	while (t?._item) {
		const parent = t._item.parent as Changed | null;
		if (parent === notes) return t._item.parentSub ? [t._item.parentSub] : [];
		t = parent;
	}
	return [];
}

/**
 * The notes a transaction on a lane document touched (created, changed,
 * removed), by their ids: read from the transaction's changed types against
 * the document, so a note's hundredth keystroke names the same note as its
 * first. The server uses it to replay the log; the browser to count how many
 * notes wait to be saved.
 */
export function notesTouchedBy(doc: Y.Doc, tr: Y.Transaction): Set<string> {
	const touched = new Set<string>();
	for (const [type, keys] of tr.changed) for (const id of noteIdsOf(doc, type, keys)) touched.add(id);
	return touched;
}

/** What a transaction changed of one note: its fields (place, colour, citations; also its creation or removal), its text. */
export interface NoteTouch {
	fields: boolean;
	content: boolean;
}

/**
 * Like notesTouchedBy, and says per note whether its fields or its text
 * changed, so a reader of many log entries reads only what changed.
 */
export function noteTouchesBy(doc: Y.Doc, tr: Y.Transaction): Map<string, NoteTouch> {
	const notes: unknown = notesMap(doc);
	const out = new Map<string, NoteTouch>();
	const mark = (id: string, content: boolean) => {
		const touch = out.get(id) ?? { fields: false, content: false };
		if (content) touch.content = true;
		else touch.fields = true;
		out.set(id, touch);
	};
	for (const [type, keys] of tr.changed) {
		if (type === notes) {
			for (const k of keys) if (k !== null) mark(k, false);
			continue;
		}
		// Walk up to the note; the key under the note map says whether it was the text.
		let t: Changed | null = type;
		let under: string | null = null;
		while (t?._item) {
			const parent = t._item.parent as Changed | null;
			if (parent === notes) {
				const id = t._item.parentSub;
				if (id) {
					mark(id, under === 'content');
					// The note's own fields changed, its text with them when its fragment was replaced.
					if (t === type && keys.has('content')) mark(id, true);
				}
				break;
			}
			under = t._item.parentSub;
			t = parent;
		}
	}
	return out;
}
