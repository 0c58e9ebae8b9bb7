import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NOTE_W, axisPosition, notePosition } from '#lib/domain/board-space.ts';
import { createNote, listNotes, notesMap, placeNote, readNote, transferNote } from '#lib/domain/notes.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { mulberry32 } from '../helpers/random.ts';

/**
 * Boards written before board units (fractions of a lane's box) read in board
 * units without losing anyone's arrangement, and clients of both kinds keep
 * working on the same board (issue 11, item 1).
 */
const me = 'Member-me-000001' as MemberId;

/** What a client from before board units writes: fractions only, and moves by setting them. */
const old = {
	create: (doc: Y.Doc, x: number, y: number) => createNote(doc, { createdBy: me, at: 1, x, y }),
	move: (doc: Y.Doc, id: NoteId, x: number, y: number) =>
		doc.transact(() => {
			const n = notesMap(doc).get(id)!;
			n.set('x', x);
			n.set('y', y);
		})
};

describe('a board written with fractions', () => {
	it('reads to the same order and the same groups in board units, on many random boards', () => {
		for (let seed = 1; seed <= 30; seed++) {
			const random = mulberry32(seed);
			const doc = new Y.Doc();
			// Groups of notes people put close together, groups apart from each other.
			for (let g = 0; g < 5; g++) {
				const [gx, gy] = [random(), random()];
				for (let i = 0; i < 4; i++) old.create(doc, Math.min(1, gx + random() * 0.05), Math.min(1, gy + random() * 0.05));
			}
			for (const kind of ['member', 'collective'] as const) {
				const notes = listNotes(doc);
				const at = new Map(notes.map((n) => [n.id as string, notePosition(n, kind)]));
				// The mapping keeps order along both axes (places round to whole units, so near-equal ones may tie).
				for (const a of notes) {
					for (const b of notes) {
						if (a.y < b.y) expect(at.get(a.id)!.y).toBeLessThanOrEqual(at.get(b.id)!.y);
						if (a.x < b.x) expect(at.get(a.id)!.x).toBeLessThanOrEqual(at.get(b.id)!.x);
					}
				}
				// Scaling keeps every neighbourhood: each note's nearest neighbour is the same one.
				const nearest = (id: string, d: (a: string, b: string) => number): string =>
					notes.filter((n) => n.id !== id).sort((a, b) => d(id, a.id) - d(id, b.id) || (a.id < b.id ? -1 : 1))[0].id;
				const fr = new Map(notes.map((n) => [n.id as string, n]));
				for (const n of notes) {
					const inFractionsScaled = nearest(n.id, (a, b) => {
						const [p, q] = [at.get(a)!, at.get(b)!];
						return Math.hypot(p.x - q.x, p.y - q.y);
					});
					const pa = at.get(n.id)!;
					const pb = at.get(inFractionsScaled)!;
					const sameGroupFractionDistance = Math.hypot(fr.get(n.id)!.x - fr.get(inFractionsScaled)!.x, fr.get(n.id)!.y - fr.get(inFractionsScaled)!.y);
					// What was in one group (within 0.05 of each other) is within a note's width in board units.
					if (sameGroupFractionDistance < 0.05) expect(Math.hypot(pa.x - pb.x, pa.y - pb.y)).toBeLessThan(NOTE_W);
				}
			}
		}
	});

	it("keeps a paradox note's place between the poles, also after it is moved in board units", () => {
		const doc = new Y.Doc();
		const ids = [0, 0.25, 0.5, 0.9, 1].map((x) => old.create(doc, x, 0.5));
		for (const [i, id] of ids.entries()) {
			for (const kind of ['member', 'collective'] as const) expect(axisPosition(notePosition(readNote(doc, id)!, kind), kind)).toBeCloseTo([0, 0.25, 0.5, 0.9, 1][i], 2);
		}
		// A new client moves one to three quarters, in board units; an old client reads x from the fractions beside them.
		placeNote(doc, ids[1], { x: 0.75 * (1200 + 6 * 16 - 240), y: 40 }, 'member');
		const moved = readNote(doc, ids[1])!;
		expect(moved.px).not.toBeNull();
		expect(axisPosition(notePosition(moved, 'member'), 'member')).toBeCloseTo(0.75, 2);
		expect(moved.x).toBeCloseTo(0.75, 2);
	});

	it('an old client moving a note that has board units is seen by new clients; a transfer keeps the place', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: me, at: 1, place: { x: 500, y: 200, kind: 'member' } });
		expect(notePosition(readNote(doc, id)!, 'member')).toEqual({ x: 500, y: 200 });
		old.move(doc, id, 0.1, 0.9);
		const p = notePosition(readNote(doc, id)!, 'member');
		expect(axisPosition(p, 'member')).toBeCloseTo(0.1, 2);
		expect(p.y).toBeGreaterThan(200);
		// Moved into Samen (wider) without saying so: the note keeps its board units there too.
		const into = new Y.Doc();
		const from = new Y.Doc();
		const n = createNote(from, { createdBy: me, at: 1, place: { x: 320, y: 48, kind: 'member' } });
		const moved = transferNote(from, into, n, { createdBy: me, at: 2 });
		expect(notePosition(readNote(into, moved)!, 'collective')).toEqual({ x: 320, y: 48 });
	});
});
