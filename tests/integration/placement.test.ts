import * as Y from 'yjs';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, listNotes, readNote } from '#lib/domain/notes.ts';
import { setRound, type Visibility } from '#lib/domain/visibility.ts';
import { intersects, notePosition, noteRect, type RegionKind } from '#lib/domain/board-space.ts';
import type { BoardId, MemberId, NoteId } from '#lib/domain/ids.ts';

/**
 * Notes the server writes (a silent round's reveal, the anonymous mirror, an
 * anonymous note brought in) and notes brought in by a member land where they
 * cover nothing, also where people's notes already are (issue 11, item 2).
 */
const board = 'intentie' as BoardId;
let fx: PracticeFixture;

it.beforeEach(async ({ server, practice }) => {
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await practice({ participants: 2 });
});

/** Pairs of notes of a lane whose rectangles overlap, as anyone would see them. */
function overlaps(doc: Y.Doc, kind: RegionKind): string[] {
	const rects = listNotes(doc).map((n) => ({ id: n.id, r: noteRect({ x: 0, y: 0 }, notePosition(n, kind)) }));
	const out: string[] = [];
	for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) if (intersects(rects[i].r, rects[j].r)) out.push(`${rects[i].id}×${rects[j].id}`);
	return out;
}

/** Where notes used to land: the same place in every lane. */
const SPOT = { x: 0.25, y: 0.4 };

describe('server-placed notes', () => {
	it('a revealed round of 8 notes and 5 bring-ins overlap nothing, not even notes already where they were written', async ({ server, openSynced: open }) => {
		const p = fx.practice.id;
		const [anna, bert] = fx.participants;
		const round = await server.zwerm.activities.rounds.startRound(p, board, 60_000);
		// Notes already on the board at the very place the new ones were written.
		const lanes = new Map<MemberId, TestClient>();
		for (const w of [anna, bert]) {
			const lane = await open(laneDoc(p, board, w.member.id), w.token);
			createNote(lane.doc, { createdBy: w.member.id, at: Date.now(), text: 'er al', ...SPOT });
			await lane.saved();
			lanes.set(w.member.id, lane);
		}
		// 8 notes in the round, all at the same place in their private lanes: half shared, half anonymous.
		const plan: [typeof anna, Visibility][] = [
			[anna, 'shared'], [anna, 'shared'], [anna, 'anonymous'], [anna, 'anonymous'],
			[bert, 'shared'], [bert, 'shared'], [bert, 'anonymous'], [bert, 'anonymous']
		];
		const privs = new Map<MemberId, TestClient>();
		for (const w of [anna, bert]) privs.set(w.member.id, await open(privateDoc(p, board, w.member.id), w.token));
		plan.forEach(([w, reveal], i) => {
			const doc = privs.get(w.member.id)!.doc;
			setRound(doc, createNote(doc, { createdBy: w.member.id, at: Date.now(), text: `ronde ${i}`, ...SPOT }), round.id, reveal);
		});
		await Promise.all([...privs.values()].map((c) => c.saved()));
		const anon = await open(anonymousDoc(p, board), fx.observer.token);

		await server.zwerm.activities.rounds.reveal(p, board);
		for (const w of [anna, bert]) {
			const lane = lanes.get(w.member.id)!;
			await expect.poll(() => listNotes(lane.doc).length).toBe(3);
			expect(overlaps(lane.doc, 'member')).toEqual([]);
		}
		await expect.poll(() => listNotes(anon.doc).length).toBe(4);
		expect(overlaps(anon.doc, 'anonymous')).toEqual([]);

		// 5 bring-ins into Samen, where collective notes already sit at the old landing place:
		// 2 anonymous notes by the server, 2 shared notes by a member, and one into an existing note.
		const collective = await open(collectiveDoc(p, board), anna.token);
		const existing = createNote(collective.doc, { createdBy: anna.member.id, at: Date.now(), text: 'samen', ...SPOT });
		await collective.saved();
		const anonIds = listNotes(anon.doc).map((n) => n.id);
		await server.zwerm.mirror.bringIn(p, board, anonIds[0]);
		await server.zwerm.mirror.bringIn(p, board, anonIds[1]);
		await expect.poll(() => listNotes(collective.doc).length).toBe(3);
		for (const w of [anna, bert]) {
			const lane = lanes.get(w.member.id)!;
			const shared = listNotes(lane.doc).find((n) => n.createdBy === w.member.id && n.id)!;
			bringIn(collective.doc, { doc: lane.doc, memberId: w.member.id, noteId: shared.id }, { createdBy: anna.member.id, at: Date.now() });
		}
		bringIn(collective.doc, { doc: lanes.get(bert.member.id)!.doc, memberId: bert.member.id, noteId: listNotes(lanes.get(bert.member.id)!.doc)[1].id }, {
			createdBy: anna.member.id,
			at: Date.now(),
			into: existing as NoteId
		});
		await collective.saved();
		const watcher = await open(collectiveDoc(p, board), fx.observer.token);
		await expect.poll(() => listNotes(watcher.doc).length).toBe(5);
		expect(readNote(watcher.doc, existing)!.cites).toHaveLength(1);
		expect(overlaps(watcher.doc, 'collective')).toEqual([]);
	});
});
