import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, moveNote, noteContent, setNoteColor, transferNote } from '#lib/domain/notes.ts';
import { notesTouchedBy } from '#lib/domain/touched.ts';
import { pendingNoteCount } from '#lib/sync/pending.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';

const m1 = 'm1' as MemberId;

/** A lane as the save indicator sees it: changes made here, and the notes they touched. */
function trackedLane() {
	const doc = new Y.Doc();
	const lane = { doc, waiting: 0, pendingNotes: new Set<string>() };
	doc.on('update', (_u: Uint8Array, _origin: unknown, d: Y.Doc, tr: Y.Transaction) => {
		lane.waiting++;
		for (const id of notesTouchedBy(d, tr)) lane.pendingNotes.add(id);
	});
	return lane;
}

function typeInto(doc: Y.Doc, id: NoteId, text: string) {
	for (const ch of text) {
		const t = (noteContent(doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		t.insert(t.length, ch);
	}
}

describe('what the save indicator counts', () => {
	it('counts notes changed, not keystrokes: two short notes and two edits are two notes', () => {
		const lane = trackedLane();
		const a = createNote(lane.doc, { createdBy: m1, at: 0, text: 'een' });
		const b = createNote(lane.doc, { createdBy: m1, at: 0, text: 'twee' });
		typeInto(lane.doc, a, ' korte notitie');
		typeInto(lane.doc, b, ' en nog een');
		moveNote(lane.doc, a, 0.3, 0.4);
		setNoteColor(lane.doc, b, 'blue');
		expect(lane.waiting).toBeGreaterThan(20);
		expect(pendingNoteCount([lane])).toBe(2);

		// The server confirms; then only typing in a note made earlier.
		lane.waiting = 0;
		lane.pendingNotes.clear();
		typeInto(lane.doc, a, ' verder');
		expect(pendingNoteCount([lane])).toBe(1);
		expect([...lane.pendingNotes]).toEqual([a]);
	});

	it('counts a note once over lanes, a removed note too, and a lane whose notes are unknown as one', () => {
		const mine = trackedLane();
		const together = trackedLane();
		const a = createNote(mine.doc, { createdBy: m1, at: 0, text: 'naar samen' });
		const gone = createNote(together.doc, { createdBy: m1, at: 0, text: 'weg' });
		transferNote(mine.doc, together.doc, a, { createdBy: m1 as never, at: 0 });
		deleteNote(together.doc, gone);
		expect(pendingNoteCount([mine, together])).toBe(2);
		expect(pendingNoteCount([mine, together, { waiting: 3, pendingNotes: new Set() }])).toBe(3);
		expect(pendingNoteCount([{ waiting: 0, pendingNotes: new Set(['x']) }])).toBe(0);
	});
});

describe('what a change did to a note', () => {
	it('tells a keystroke (text) from a move or a recolouring (fields)', async () => {
		const { noteTouchesBy } = await import('#lib/domain/touched.ts');
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: m1, at: 0, text: 'een' });
		const seen: [string, { fields: boolean; content: boolean }][] = [];
		doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(...noteTouchesBy(doc, tr)));
		typeInto(doc, id, 'x');
		moveNote(doc, id, 0.2, 0.2);
		setNoteColor(doc, id, 'blue');
		deleteNote(doc, id);
		expect(seen).toEqual([
			[id, { fields: false, content: true }],
			[id, { fields: true, content: false }],
			[id, { fields: true, content: false }],
			[id, { fields: true, content: false }]
		]);
	});
});
