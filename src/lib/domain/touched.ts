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
