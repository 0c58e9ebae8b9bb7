import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, removeDir, type TestServer } from '../helpers/server.ts';
import { connect, type TestClient } from '../helpers/clients.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import { anonymousDoc, collectiveDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, readNote } from '#lib/domain/notes.ts';
import { placeFor } from '#lib/domain/lane-space.ts';
import { setAnonymous } from '#lib/domain/visibility.ts';
import { intersects, notePosition, noteRect } from '#lib/domain/board-space.ts';
import type { BoardId, MemberId, NoteId } from '#lib/domain/ids.ts';
import { PlacementSettler } from '#lib/sync/settle.ts';

/**
 * The server places notes too: an anonymous note brought into Samen is written
 * by the server, on the first free slot it knows. A member who adds a note to
 * Samen at the same moment picks that slot as well. After the merge the two
 * must not cover each other, on every replica alike, whichever note has the
 * smaller id (issue 11; src/lib/sync/settle.ts).
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
const clients: TestClient[] = [];
const settlers: PlacementSettler[] = [];

beforeEach(async () => {
	server = await startTestServer();
	fx = await setUpPractice(server.zwerm.practices, { participants: 2 });
});

afterEach(async () => {
	settlers.splice(0).forEach((s) => s.destroy());
	clients.splice(0).forEach((c) => c.destroy());
	await server.stop();
	removeDir(server.dataDir);
});

async function open(name: string, token: string): Promise<TestClient> {
	const c = connect(server.wsUrl, name, token, new Y.Doc());
	clients.push(c);
	await c.saved();
	return c;
}

/** Pairs of collective notes whose rectangles overlap. */
function overlaps(doc: Y.Doc): string[] {
	const rects = listNotes(doc).map((n) => ({ id: n.id, r: noteRect({ x: 0, y: 0 }, notePosition(n, 'collective')) }));
	const out: string[] = [];
	for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) if (intersects(rects[i].r, rects[j].r)) out.push(`${rects[i].id}×${rects[j].id}`);
	return out;
}

const places = (doc: Y.Doc) => listNotes(doc).map((n) => `${n.id}@${n.px},${n.py}`).sort();

/** An anonymous note on the board, mirrored by the server from Anna's private lane. */
async function anonymousNote(): Promise<NoteId> {
	const anna = fx.participants[0];
	const name = privateDoc(fx.practice.id, board, anna.member.id);
	const priv = await open(name, anna.token);
	setAnonymous(priv.doc, createNote(priv.doc, { createdBy: anna.member.id, at: Date.now(), text: 'alleen anoniem' }), true);
	await priv.saved();
	await server.zwerm.mirror.mirror(name);
	const anon = await server.zwerm.readDocument(anonymousDoc(fx.practice.id, board));
	const [note] = listNotes(anon);
	expect(note).toBeDefined();
	return note.id;
}

describe('a note the server places and one a member places at the same moment', () => {
	// Note ids are random: a member's note has the smaller id in half of all clashes, the larger in the other half.
	it.each([
		['smaller', '----------------'],
		['larger', 'zzzzzzzzzzzzzzzz']
	])('settle when the member’s note has the %s id: nothing covered, the same on every replica, the server’s note stays', async (_, id) => {
		const p = fx.practice.id;
		const anonId = await anonymousNote();
		const bert = fx.participants[1];
		const collective = await open(collectiveDoc(p, board), bert.token);
		const settler = new PlacementSettler(collective.doc, 'collective');
		settlers.push(settler);
		const watcher = await open(collectiveDoc(p, board), fx.observer.token);
		createNote(collective.doc, { createdBy: bert.member.id, at: Date.now(), text: 'er al', place: { x: 16, y: 16, kind: 'collective' } });
		await collective.saved();
		await expect.poll(() => listNotes(watcher.doc).length).toBe(1);

		// Bert adds a note to Samen while his copy has not yet heard of the server's bring-in:
		// his connection is away for a moment, as on a train or a busy network.
		collective.socket.disconnect();
		const slot = placeFor(collective.doc, 'collective');
		const mine = createNote(collective.doc, { id: id as NoteId, createdBy: bert.member.id as MemberId, at: Date.now(), text: 'van Bert', place: { ...slot, kind: 'collective' }, auto: true });
		expect(settler.watching).toEqual([mine]);
		const theirs = await server.zwerm.mirror.bringIn(p, board, anonId);
		await expect.poll(() => listNotes(watcher.doc).length).toBe(2);
		// Both picked the same free slot.
		expect(notePosition(readNote(watcher.doc, theirs)!, 'collective')).toEqual(slot);
		expect(readNote(watcher.doc, theirs)).toMatchObject({ auto: true, createdBy: null });

		await collective.socket.connect();
		await collective.saved();
		for (const doc of [collective.doc, watcher.doc]) {
			await expect.poll(() => listNotes(doc).length).toBe(3);
			await expect.poll(() => overlaps(doc)).toEqual([]);
		}
		await expect.poll(() => places(watcher.doc)).toEqual(places(collective.doc));
		await expect.poll(async () => places(await server.zwerm.readDocument(collectiveDoc(p, board)))).toEqual(places(collective.doc));
		// The server's note kept its slot (no client may move what the server wrote); Bert's moved beside it, still automatic.
		expect(notePosition(readNote(watcher.doc, theirs)!, 'collective')).toEqual(slot);
		expect(notePosition(readNote(watcher.doc, mine)!, 'collective')).not.toEqual(slot);
		expect(readNote(watcher.doc, mine)!.auto).toBe(true);
	});
});
