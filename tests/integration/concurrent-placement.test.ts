import type * as Y from 'yjs';
import { describe, expect, test } from '../helpers/fixture.ts';
import type { TestClient } from '../helpers/clients.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, placeNote, readNote } from '#lib/domain/notes.ts';
import { occupancyOf, placeFor } from '#lib/domain/lane-space.ts';
import { notePosition } from '#lib/domain/board-space.ts';
import type { BoardId, MemberId } from '#lib/domain/ids.ts';
import { PlacementSettler } from '#lib/sync/settle.ts';

/**
 * Two or three people add a note to Samen at the same moment: each client puts
 * it on the first free slot it knows, so they pick the same slot. After the
 * merge the notes must not cover each other on anyone's screen, and only
 * automatically placed notes may move (NOTES.md, "Concurrent placement").
 */
const board = 'intentie' as BoardId;
interface Member {
	readonly client: TestClient;
	readonly settler: PlacementSettler;
	readonly id: MemberId;
}

const it = test
	.extend('fx', ({ practice }) => practice({ participants: 3 }))
	/** A member's board: the collective lane, with the settling the board state runs. */
	.extend('member', ({ fx, openSynced, scope }) => async (i: number): Promise<Member> => {
		const session = fx.participants[i];
		const client = await openSynced(collectiveDoc(fx.practice.id, board), session.token);
		const settler = new PlacementSettler(client.doc, 'collective');
		scope.defer(() => settler.destroy());
		return { client, settler, id: session.member.id as MemberId };
	});

/** Adds a note where a client would, with what it knows now. */
const addNote = (m: Member, text: string) =>
	createNote(m.client.doc, { createdBy: m.id, at: Date.now(), text, place: { ...placeFor(m.client.doc, 'collective'), kind: 'collective' }, auto: true });

function overlapsIn(doc: Y.Doc): string[] {
	const space = occupancyOf(doc, 'collective');
	return listNotes(doc).flatMap((n) => space.overlapping(notePosition(n, 'collective'), n.id).map((o) => `${n.id}×${o}`));
}

const places = (doc: Y.Doc) => listNotes(doc).map((n) => `${n.id}@${n.px},${n.py}`).sort();

describe('notes placed at the same moment on two replicas', () => {
	it('settle: exactly one of the two moves, and every replica ends the same, covering nothing', async ({ server, fx, member }) => {
		const [anna, bert] = [await member(0), await member(1)];
		createNote(anna.client.doc, { createdBy: anna.id, at: Date.now(), text: 'er al', place: { x: 16, y: 16, kind: 'collective' } });
		await anna.client.saved();
		await expect.poll(() => listNotes(bert.client.doc).length).toBe(1);

		// Same tick: neither has seen the other's note, and both pick the same free slot.
		const a = addNote(anna, 'van Anna');
		const b = addNote(bert, 'van Bert');
		expect(notePosition(readNote(anna.client.doc, a)!, 'collective')).toEqual(notePosition(readNote(bert.client.doc, b)!, 'collective'));
		const slot = notePosition(readNote(anna.client.doc, a)!, 'collective');

		for (const m of [anna, bert]) {
			await expect.poll(() => listNotes(m.client.doc).length).toBe(3);
			await expect.poll(() => overlapsIn(m.client.doc)).toEqual([]);
		}
		await Promise.all([anna.client.saved(), bert.client.saved()]);
		await expect.poll(() => places(anna.client.doc)).toEqual(places(bert.client.doc));
		// The note with the smaller id kept the slot; the other moved next to it.
		const [stays, moves] = a < b ? [a, b] : [b, a];
		expect(notePosition(readNote(anna.client.doc, stays)!, 'collective')).toEqual(slot);
		expect(notePosition(readNote(anna.client.doc, moves)!, 'collective')).not.toEqual(slot);
		// The server's copy agrees.
		await expect.poll(async () => places(await server.zwerm.readDocument(collectiveDoc(fx.practice.id, board)))).toEqual(places(anna.client.doc));
	});

	it('three replicas adding three notes each at once end with nothing covered, the same everywhere', async ({ member }) => {
		const people = [await member(0), await member(1), await member(2)];
		for (let i = 0; i < 3; i++) for (const m of people) addNote(m, `${m.id} ${i}`);
		for (const m of people) {
			await expect.poll(() => listNotes(m.client.doc).length).toBe(9);
			await expect.poll(() => overlapsIn(m.client.doc)).toEqual([]);
		}
		await Promise.all(people.map((m) => m.client.saved()));
		await expect.poll(() => new Set(people.map((m) => places(m.client.doc).join('|'))).size).toBe(1);
	});

	it('leaves notes alone that a person put on top of another', async ({ member }) => {
		const [anna, bert] = [await member(0), await member(1)];
		const a = addNote(anna, 'van Anna');
		await anna.client.saved();
		await expect.poll(() => listNotes(bert.client.doc).length).toBe(1);
		const b = addNote(bert, 'van Bert');
		await bert.client.saved();
		await expect.poll(() => listNotes(anna.client.doc).length).toBe(2);
		// Bert drags his note onto Anna's, on purpose.
		const target = notePosition(readNote(bert.client.doc, a)!, 'collective');
		placeNote(bert.client.doc, b, { x: target.x + 20, y: target.y + 20 }, 'collective');
		await bert.client.saved();
		await expect.poll(() => readNote(anna.client.doc, b)?.px).toBe(target.x + 20);
		// A later, unrelated change reaches both; nothing moves.
		addNote(bert, 'nog een');
		await bert.client.saved();
		await expect.poll(() => listNotes(anna.client.doc).length).toBe(3);
		expect(notePosition(readNote(anna.client.doc, a)!, 'collective')).toEqual(target);
		expect(readNote(anna.client.doc, b)).toMatchObject({ px: target.x + 20, py: target.y + 20 });
		expect(bert.settler.watching).not.toContain(b);
	});
});
