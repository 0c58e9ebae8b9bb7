import { describe, expect, it, type Open } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { laneView } from '../helpers/lane.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, noteContent, transferNote } from '#lib/domain/notes.ts';
import { VisibilityError, anonymousCopy, changeVisibility, setAnonymous } from '#lib/domain/visibility.ts';
import { NOTE_GAP } from '#lib/domain/board-space.ts';
import { buildReport, reportMarkdown } from '#server/report.ts';
import { exportPractice } from '#server/export.ts';
import type { BoardId, NoteId } from '#lib/domain/ids.ts';

/**
 * A note that the group saw with its author's name can never be tied to an
 * anonymous note afterwards: not by the timeline's entries (time, author), not
 * by replay steps, not by a citation in the collective lane's past, report or
 * export. Notes made anonymous that way by clients from before this rule (the
 * "legacy" below) are hidden from the past; today's clients cannot make them.
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let open: Open;

it.override('serverOptions', { checkpointEvery: 5 });

it.beforeEach(async ({ server: s, open: o, practice }) => {
	server = s;
	open = o;
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await practice({ participants: 2 });
});

async function typeInto(client: TestClient, id: NoteId, words: readonly string[]) {
	for (const word of words) {
		const text = (noteContent(client.doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, ` ${word}`);
		await client.saved();
	}
}

describe('the past of a note that is anonymous now', () => {
	it('shows no named-lane entry, step or citation of it, anywhere a member can look', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		const lane = open(laneDoc(p, board, anna.member.id), anna.token);
		const priv = open(privateDoc(p, board, anna.member.id), anna.token);
		const collective = open(collectiveDoc(p, board), bert.token);
		await Promise.all([lane.saved(), priv.saved(), collective.saved()]);

		// Anna shares a note and writes on in it; Bert brings it into the collective lane.
		const once = createNote(lane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'eerst met naam' });
		await lane.saved();
		await typeInto(lane, once, ['en', 'nog', 'meer']);
		const lanesCopy = new Y.Doc();
		Y.applyUpdate(lanesCopy, Y.encodeStateAsUpdate(lane.doc));
		const collectiveNote = bringIn(collective.doc, { doc: lanesCopy, memberId: anna.member.id, noteId: once }, { createdBy: bert.member.id, at: Date.now() });
		const stays = createNote(lane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'blijft gedeeld' });
		await Promise.all([lane.saved(), collective.saved()]);

		// A client from before the rule makes it anonymous: moved (same id) into the private document and flagged.
		transferNote(lane.doc, priv.doc, once, { createdBy: anna.member.id, at: Date.now() });
		setAnonymous(priv.doc, once, true);
		await Promise.all([lane.saved(), priv.saved()]);
		const anonName = anonymousDoc(p, board);
		await expect.poll(async () => laneView(await server.zwerm.readDocument(anonName)).map((n) => n.text)).toEqual(['eerst met naam en nog meer']);
		await server.zwerm.durable.batcher.idle();

		const ref = `lane:${anna.member.id}:${once}`;
		const history = server.zwerm.timeline;
		const { entries, head } = await history.timeline(p, board);
		const { view, steps } = await history.replay(p, board, 0, head);
		// Every entry of Anna's lane that is left is about the note that stays shared.
		const annaLane = `lane:${anna.member.id}` as const;
		const annaEntries = entries.filter((e) => e.lane === annaLane).map((e) => e.seq);
		expect(annaEntries.length).toBeGreaterThan(0);
		const stepOf = new Map(steps.map((s) => [s.seq, s]));
		for (const seq of annaEntries) {
			const step = stepOf.get(seq);
			expect(step, `a step for entry ${seq}`).toBeDefined();
			expect([...step!.changed.map((n) => n.id), ...step!.removed.map((n) => n.id)]).toEqual([stays]);
		}
		// No step anywhere carries the note in Anna's lane, nor a citation of it.
		for (const step of steps) expect(JSON.stringify(step)).not.toContain(once);
		for (const n of view!.notes) expect(n.cites).not.toContain(ref);
		for (const e of entries) {
			const v = await history.view(p, board, e.seq);
			for (const n of v.notes) expect(n.cites, `cites at ${e.seq}`).not.toContain(ref);
		}
		const compared = await history.compare(p, board, 0, head);
		expect(JSON.stringify(compared)).not.toContain(once);

		// The report and the export say who brought the collective note in, never whose note it grew from.
		const practice = (await server.zwerm.practices.get(p))!;
		const sources = { reader: server.zwerm.reader, log: server.zwerm.storage.log };
		const marks = await server.zwerm.meetings.listMarks(p);
		const report = await buildReport(sources, practice, { seq: 0, at: 0, label: 'begin' }, { seq: head, at: Date.now(), label: 'nu' }, { language: 'nl', marks });
		expect(JSON.stringify(report)).not.toContain(once);
		expect(reportMarkdown(report)).not.toContain(once);
		const exported = await exportPractice(server.zwerm, practice);
		const exportedCollective = exported.boards.find((b) => b.id === board)!.collective.find((n) => n.id === collectiveNote)!;
		expect(exportedCollective.cites).toEqual([]);
		expect(JSON.stringify(exported)).not.toContain(once);
	});
});

describe('making a note anonymous', () => {
	it('is refused for a note shown with a name; an anonymous copy carries neither its id nor its place', async () => {
		const [anna] = fx.participants;
		const p = fx.practice.id;
		const lane = open(laneDoc(p, board, anna.member.id), anna.token);
		const priv = open(privateDoc(p, board, anna.member.id), anna.token);
		await Promise.all([lane.saved(), priv.saved()]);
		const by = { createdBy: anna.member.id, at: Date.now() };
		const docs = { private: priv.doc, shared: lane.doc };
		const shared = createNote(lane.doc, { ...by, text: 'met naam gezegd', x: 0.2, y: 0.3 });
		await lane.saved();

		expect(() => changeVisibility(docs, 'shared', shared, 'anonymous', by)).toThrow(VisibilityError);
		// Made private, it remembers it was seen with a name: still not anonymous, not even by the flag alone.
		const unshared = changeVisibility(docs, 'shared', shared, 'private', by);
		expect(() => changeVisibility(docs, 'private', unshared, 'anonymous', by)).toThrow(VisibilityError);
		setAnonymous(priv.doc, unshared, true); // what a client from before this rule would do
		const copy = anonymousCopy({ private: priv.doc, source: priv.doc }, unshared, { createdBy: anna.member.id, at: Date.now(), place: { x: 700, y: 800 } });
		await Promise.all([lane.saved(), priv.saved()]);

		const anonName = anonymousDoc(p, board);
		await expect.poll(async () => laneView(await server.zwerm.readDocument(anonName)).map((n) => n.text)).toEqual(['met naam gezegd']);
		await server.zwerm.mirror.mirror(privateDoc(p, board, anna.member.id));
		const [mirrored] = laneView(await server.zwerm.readDocument(anonName));
		// Only the copy is mirrored: new id, and a place the server chose (the anonymous lane's first free slot).
		expect(mirrored.id).not.toBe(shared);
		expect(mirrored.id).not.toBe(copy);
		expect([mirrored.px, mirrored.py]).toEqual([NOTE_GAP, NOTE_GAP]);
		const links = await server.zwerm.storage.records.anonymousLinks.of(privateDoc(p, board, anna.member.id));
		expect(links.map((l) => l.noteId)).toEqual([copy]);
	});
});
