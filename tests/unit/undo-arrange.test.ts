import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	CLUSTER_HEADER,
	arrange,
	arrangeByCluster,
	arrangeCollectiveGrid,
	clusterFrames,
	clustersMap,
	createCluster,
	deleteCluster,
	listClusters,
	placeForCluster,
	renameCluster,
	setNoteCluster
} from '#lib/domain/arrange.ts';
import { checkUpdate } from '#server/schema-check.ts';
import { createNote, listNotes, notesMap, placeNote, readNote } from '#lib/domain/notes.ts';
import { placeFor } from '#lib/domain/lane-space.ts';
import { NOTE_H, NOTE_W, intersects, notePosition } from '#lib/domain/board-space.ts';
import { undoable } from '#lib/sync/undoable.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { mulberry32 } from '../helpers/random.ts';

const me = 'Member-me-000001' as MemberId;

/** Two replicas of a collective lane that exchange every update at once (the network of a live board). */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, u, a));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, u, b));
	return { a, b };
}

function heap(doc: Y.Doc, n: number): NoteId[] {
	const random = mulberry32(5);
	return Array.from({ length: n }, (_, i) =>
		createNote(doc, { createdBy: me, at: i, text: `n${i}`, place: { x: Math.floor(random() * 500), y: Math.floor(random() * 300), kind: 'collective' }, auto: i % 2 === 0 })
	);
}

/** Every note's stored fields that say where it is. */
const places = (doc: Y.Doc) =>
	[...notesMap(doc).entries()].map(([id, n]) => [id, n.get('px'), n.get('py'), n.get('x'), n.get('y'), n.get('auto')]).sort();

const scope = (doc: Y.Doc) => [notesMap(doc), clustersMap(doc)] as Y.AbstractType<unknown>[];

describe('undoing an arrange (one change, mine only)', () => {
	it('restores every place exactly, legacy fractions, flags and cluster corners included', () => {
		const doc = new Y.Doc();
		const ids = heap(doc, 9);
		// A note from before board units: fractions only.
		notesMap(doc).get(ids[3])!.delete('px');
		notesMap(doc).get(ids[3])!.delete('py');
		const c = createCluster(doc, { name: 'Tijd', x: 700, y: 400 });
		setNoteCluster(doc, ids[0], c);
		setNoteCluster(doc, ids[5], c);
		const before = places(doc);
		const corner = listClusters(doc)[0];

		const change = undoable(scope(doc), (origin) => arrangeByCluster(doc, origin));
		expect(change.changed).toBe(true);
		expect(places(doc)).not.toEqual(before);
		expect(listClusters(doc)[0]).not.toMatchObject({ x: corner.x, y: corner.y });

		expect(change.undo()).toBe(true);
		expect(places(doc)).toEqual(before);
		expect(listClusters(doc)[0]).toEqual(corner);
		// Membership is not part of arranging: it stays.
		expect(readNote(doc, ids[5])?.cluster).toBe(c);
		// Once only.
		expect(change.undo()).toBe(false);
	});

	it('leaves alone what others (and I, otherwise) changed meanwhile, and what they moved after it', () => {
		const { a, b } = pair();
		const ids = heap(a, 6);
		const change = undoable(scope(a), (origin) => arrange(a, 'collective', [], origin));
		// Someone else moves one arranged note; I recolour another (not arranging).
		placeNote(b, ids[1], { x: 900, y: 900 }, 'collective');
		const theirs = listNotes(b).find((n) => n.id === ids[1])!;
		createNote(b, { createdBy: me, at: 99, text: 'later', place: { x: 1200, y: 40, kind: 'collective' } });
		const arranged = notePosition(readNote(a, ids[2])!, 'collective');

		change.undo();
		// Their move stands, their note stays, on both replicas.
		for (const doc of [a, b]) {
			expect(readNote(doc, ids[1])).toMatchObject({ px: theirs.px, py: theirs.py });
			expect(listNotes(doc)).toHaveLength(7);
		}
		// The notes nobody touched went back.
		expect(notePosition(readNote(b, ids[2])!, 'collective')).not.toEqual(arranged);
		expect(places(a)).toEqual(places(b));
	});

	it('an arrange that moves nothing is no change', () => {
		const doc = new Y.Doc();
		heap(doc, 4);
		arrange(doc, 'collective');
		const change = undoable(scope(doc), (origin) => arrange(doc, 'collective', [], origin));
		expect(change.changed).toBe(false);
		change.dispose();
	});
});

describe('cluster frames', () => {
	it('frame each cluster round its notes, and a new cluster goes where it covers no note and no frame', () => {
		const doc = new Y.Doc();
		const ids = heap(doc, 7);
		const tijd = createCluster(doc, { name: 'Tijd', x: 0, y: 0 });
		const leeg = createCluster(doc, { name: 'Leeg', x: 0, y: 0 });
		ids.slice(0, 3).forEach((id) => setNoteCluster(doc, id, tijd));
		arrangeByCluster(doc);
		const frames = clusterFrames(listClusters(doc), listNotes(doc));
		const tf = frames.find((f) => f.cluster.id === tijd)!;
		expect(tf.members.map((n) => n.id).sort()).toEqual(ids.slice(0, 3).sort());
		for (const n of listNotes(doc)) {
			const p = notePosition(n, 'collective');
			const inside = intersects({ ...p, w: NOTE_W, h: NOTE_H }, tf.rect);
			expect(inside).toBe(n.cluster === tijd);
		}
		// The empty cluster is one note's place; a new one covers neither it, nor a frame, nor a note.
		const p = placeForCluster(doc);
		const slot = { ...p, w: NOTE_W, h: NOTE_H };
		for (const f of frames) expect(intersects(slot, f.rect)).toBe(false);
		for (const n of listNotes(doc)) expect(intersects(slot, { ...notePosition(n, 'collective'), w: NOTE_W, h: NOTE_H })).toBe(false);
		expect(frames.find((f) => f.cluster.id === leeg)!.members).toEqual([]);
	});
});

describe('the collective lane as a grid, with groups', () => {
	it('keeps each group’s notes together below room for its name, moves an empty group off the notes, and one undo takes it all back', () => {
		const doc = new Y.Doc();
		const ids = heap(doc, 8);
		const a = createCluster(doc, { name: 'A', x: 0, y: 0 });
		const empty = createCluster(doc, { name: 'Leeg', x: 16, y: 16 });
		[ids[7], ids[2]].forEach((id) => setNoteCluster(doc, id, a));
		const before = places(doc);
		const change = undoable(scope(doc), (origin) => arrangeCollectiveGrid(doc, origin));
		const notes = listNotes(doc);
		// Group A first, side by side, the first row low enough for the frame's name.
		expect(notes.slice(0, 2).map((n) => n.id).sort()).toEqual([ids[7], ids[2]].sort());
		expect(notes[0].py).toBe(CLUSTER_HEADER);
		const frames = clusterFrames(listClusters(doc), notes);
		for (const f of frames) expect(f.rect.y).toBeGreaterThanOrEqual(0);
		const leeg = frames.find((f) => f.cluster.id === empty)!;
		for (const n of notes) expect(intersects(leeg.rect, { ...notePosition(n, 'collective'), w: NOTE_W, h: NOTE_H })).toBe(false);
		change.undo();
		expect(places(doc)).toEqual(before);
		expect(listClusters(doc).find((c) => c.id === empty)).toMatchObject({ x: 16, y: 16 });
	});

	it('the server takes renaming and removing a group', () => {
		const server = new Y.Doc();
		const client = new Y.Doc();
		const problems: (string | null)[] = [];
		client.on('update', (u: Uint8Array) => {
			const problem = checkUpdate(server, u, { kind: 'collective', memberId: me });
			problems.push(problem);
			if (!problem) Y.applyUpdate(server, u);
		});
		const c = createCluster(client, { name: 'Tijd', x: 16, y: 16 });
		const n = createNote(client, { createdBy: me, at: 1, text: 'x' });
		setNoteCluster(client, n, c);
		renameCluster(client, c, 'Tijd en ruimte');
		deleteCluster(client, c);
		expect(problems).toEqual([null, null, null, null, null]);
		expect(readNote(server, n)?.cluster).toBeNull();
		expect(listClusters(server)).toEqual([]);
	});
});

describe('placement keeps groups free', () => {
	it('a note placed in Samen lands in no group’s frame: not in the gap of a block, not in an empty group', () => {
		const doc = new Y.Doc();
		const ids = heap(doc, 3);
		const a = createCluster(doc, { name: 'A', x: 0, y: 0 });
		ids.forEach((id) => setNoteCluster(doc, id, a));
		arrangeByCluster(doc);
		createCluster(doc, { name: 'Leeg', ...placeForCluster(doc) });
		const frames = () => clusterFrames(listClusters(doc), listNotes(doc)).map((f) => f.rect);
		// Three notes in a 2×2 block leave a slot inside the frame; the empty group holds one note's place.
		const taken = frames();
		for (let i = 0; i < 25; i++) {
			const p = placeFor(doc, 'collective');
			for (const f of taken) expect(intersects({ ...p, w: NOTE_W, h: NOTE_H }, f)).toBe(false);
			createNote(doc, { createdBy: me, at: 100 + i, place: { ...p, kind: 'collective' } });
		}
		// Nothing placed moved the frames.
		expect(frames()).toEqual(taken);
	});
});
