import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, listNotes, noteContent, notesMap, placeNote, plainText } from '#lib/domain/notes.ts';
import { occupancyOf } from '#lib/domain/lane-space.ts';
import { NOTE_GAP, NOTE_H, notePosition } from '#lib/domain/board-space.ts';
import { VisibilityError, anonymousNotes, canBecomeAnonymous, changeVisibility, setAnonymous } from '#lib/domain/visibility.ts';
import { applyMirrors, shuffled } from '#server/mirror.ts';
import type { MemberId } from '#lib/domain/ids.ts';

const anna = 'annaannaanna0001' as MemberId;
const by = { createdBy: anna, at: 1_000 };

function privateWith(texts: readonly string[]) {
	const doc = new Y.Doc();
	for (const text of texts) setAnonymous(doc, createNote(doc, { ...by, text }), true);
	return doc;
}

describe('the anonymous mirror', () => {
	it('writes every source in one transaction, in the order the shuffle gives', () => {
		const a = privateWith(['a1', 'a2']);
		const b = privateWith(['b1', 'b2']);
		const anon = new Y.Doc();
		let transactions = 0;
		anon.on('afterTransaction', () => transactions++);
		const reversed = <T>(items: T[]) => items.reverse();
		const changes = applyMirrors(
			[
				{ name: 'a', doc: a, links: [] },
				{ name: 'b', doc: b, links: [] }
			],
			anon,
			new Set(),
			reversed
		);
		expect(transactions).toBe(1);
		expect(changes.get('a')!.added).toHaveLength(2);
		expect(changes.get('b')!.added).toHaveLength(2);
		// Creation order is clock order, which is what a receiver can read from the update.
		const order = Y.decodeUpdate(Y.encodeStateAsUpdate(anon))
			.structs.filter((s): s is Y.Item => s instanceof Y.Item && (s.parent as unknown) === 'notes')
			.map((s) => plainText(noteContent(anon, s.parentSub as never)));
		expect(order).toEqual(['b2', 'b1', 'a2', 'a1']);
		for (const n of listNotes(anon)) expect(n.createdBy).toBeNull();
	});

	it('leaves unchanged notes alone: a second pass writes nothing', () => {
		const a = privateWith(['a1']);
		const anon = new Y.Doc();
		const first = applyMirrors([{ name: 'a', doc: a, links: [] }], anon, new Set());
		let transactions = 0;
		anon.on('afterTransaction', () => transactions++);
		applyMirrors([{ name: 'a', doc: a, links: first.get('a')!.added }], anon, new Set());
		expect(transactions).toBe(0);
	});

	it('places new anonymous notes itself, covering nothing, and not where their authors put them', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		// Both authors keep their notes in the same corner of their private lanes, one far down.
		const ids = [a, a, b, b].map((doc, i) => {
			const id = createNote(doc, { ...by, text: `n${i}`, place: { x: 960, y: i === 3 ? 9000 : 400, kind: 'private' } });
			setAnonymous(doc, id, true);
			return { doc, id };
		});
		const anon = new Y.Doc();
		const first = applyMirrors([{ name: 'a', doc: a, links: [] }, { name: 'b', doc: b, links: [] }], anon, new Set());
		const notes = listNotes(anon);
		expect(notes).toHaveLength(4);
		const places = notes.map((n) => notePosition(n, 'anonymous'));
		const space = occupancyOf(anon, 'anonymous');
		notes.forEach((n, i) => expect(space.overlapping(places[i], n.id)).toEqual([]));
		// The first free slots of the lane, in reading order: nothing of the private layout shows.
		expect(places.map((p) => p.y)).not.toContain(9000);
		expect(places.every((p) => p.y < 2 * (NOTE_H + NOTE_GAP))).toBe(true);

		// The author moving a private note later does not move its anonymous copy (nor write anything).
		const before = places;
		placeNote(ids[0].doc, ids[0].id, { x: 0, y: 7000 }, 'private');
		let transactions = 0;
		anon.on('afterTransaction', () => transactions++);
		applyMirrors([{ name: 'a', doc: a, links: first.get('a')!.added }, { name: 'b', doc: b, links: first.get('b')!.added }], anon, new Set());
		expect(transactions).toBe(0);
		expect(listNotes(anon).map((n) => notePosition(n, 'anonymous'))).toEqual(before);
	});

	it('shuffles every order with about equal chance', () => {
		const counts = new Map<string, number>();
		for (let i = 0; i < 6000; i++) {
			const key = shuffled([1, 2, 3]).join('');
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
		expect(counts.size).toBe(6);
		for (const n of counts.values()) expect(n).toBeGreaterThan(700);
	});
});

describe('a note shown with a name', () => {
	it('can be private again, never anonymous, and is never mirrored', () => {
		const shared = new Y.Doc();
		const priv = new Y.Doc();
		const id = createNote(shared, { ...by, text: 'met naam' });
		expect(canBecomeAnonymous('shared', null)).toBe(false);
		expect(() => changeVisibility({ private: priv, shared }, 'shared', id, 'anonymous', by)).toThrow(VisibilityError);
		const moved = changeVisibility({ private: priv, shared }, 'shared', id, 'private', by);
		expect(listNotes(priv)[0]).toMatchObject({ id: moved, named: true });
		expect(canBecomeAnonymous('private', listNotes(priv)[0])).toBe(false);
		(notesMap(priv).get(moved) as Y.Map<unknown>).set('visibility', 'anonymous');
		expect(anonymousNotes(priv, new Set())).toEqual([]);
	});
});
