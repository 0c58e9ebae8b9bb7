import { describe, expect, it, type Open } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { laneView } from '../helpers/lane.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, deleteNote, moveNote, noteContent } from '#lib/domain/notes.ts';
import { setAnonymous } from '#lib/domain/visibility.ts';
import { meetingAt, type Edit } from '#lib/domain/edits.ts';
import type { BoardId, NoteId } from '#lib/domain/ids.ts';

/**
 * Edits over a recorded session: real server, real websockets, real SQLite.
 * Two members write, a pause, a meeting; the history answer groups the log's
 * changes into edits (one person, one note, until a pause) and names nobody
 * for the anonymous lane.
 */
const board = 'intentie' as BoardId;
// Long enough that a loaded machine never splits one burst of saved changes; the test waits it out once.
const PAUSE = 4000;
let server: TestServer;
let fx: PracticeFixture;
let open: Open;

it.override('serverOptions', { checkpointEvery: 5 });

it.beforeEach(async ({ server: s, open: o, practice }) => {
	server = s;
	open = o;
	server.zwerm.mirror.mirrorDelayMs = 20;
	server.zwerm.timeline.editPauseMs = PAUSE;
	fx = await practice({ participants: 2 });
});

/** Types word by word, each word its own saved change (as keystrokes reach the server). */
async function typeInto(client: TestClient, id: NoteId, words: readonly string[]) {
	for (const word of words) {
		const text = (noteContent(client.doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, ` ${word}`);
		await client.saved();
	}
}

/** Waits until the clock has moved on past a pause since `since` (what a person pausing does). */
async function pauseAfter(since: number) {
	await expect.poll(() => Date.now(), { timeout: PAUSE + 5000, interval: 50 }).toBeGreaterThan(since + PAUSE + 100);
}

const who = (e: Edit) => (e.by === 'anonymous' || e.by === null ? e.by : e.by.memberId === fx.participants[0].member.id ? 'Anna' : 'Bert');

describe('edits over a recorded session', () => {
	it('groups keystrokes per person and note, splits at a pause, names nobody for anonymous notes', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		const annaLane = open(laneDoc(p, board, anna.member.id), anna.token);
		const bertLane = open(laneDoc(p, board, bert.member.id), bert.token);
		const annaCollective = open(collectiveDoc(p, board), anna.token);
		const bertPrivate = open(privateDoc(p, board, bert.member.id), bert.token);
		await Promise.all([annaLane.saved(), bertLane.saved(), annaCollective.saved(), bertPrivate.saved()]);

		const { meeting } = await server.zwerm.meetings.startMeeting(p, { title: 'Eerste', date: '2026-12-06', agenda: [board] }, fx.facilitator.member.id);
		// Anna writes a note in four saved changes while Bert writes one of his own at the same time.
		const rules = createNote(annaLane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'Regels van' });
		await annaLane.saved();
		const bertNote = createNote(bertLane.doc, { createdBy: bert.member.id, at: Date.now(), text: 'Ruimte' });
		await bertLane.saved();
		await typeInto(annaLane, rules, ['de', 'gemeente']);
		await typeInto(bertLane, bertNote, ['om', 'te', 'leren']);
		// Bert's anonymous note, mirrored by the server into the anonymous lane.
		const secret = createNote(bertPrivate.doc, { createdBy: bert.member.id, at: Date.now(), text: 'Niemand durft' });
		await bertPrivate.saved();
		setAnonymous(bertPrivate.doc, secret, true);
		await bertPrivate.saved();
		const anonName = anonymousDoc(p, board);
		await expect.poll(async () => laneView(await server.zwerm.readDocument(anonName)).map((n) => n.text)).toEqual(['Niemand durft']);
		await typeInto(bertPrivate, secret, ['het', 'te', 'zeggen']);
		await expect.poll(async () => laneView(await server.zwerm.readDocument(anonName)).map((n) => n.text)).toEqual(['Niemand durft het te zeggen']);
		const { mark: end } = await server.zwerm.meetings.endMeeting(p, meeting.id, fx.facilitator.member.id);

		// A pause, then Anna rewrites and moves her note and brings it in; Bert removes his.
		await pauseAfter(Date.now());
		await typeInto(annaLane, rules, ['opnieuw']);
		moveNote(annaLane.doc, rules, 0.5, 0.5);
		await annaLane.saved();
		const laneCopy = new Y.Doc();
		Y.applyUpdate(laneCopy, Y.encodeStateAsUpdate(annaLane.doc));
		bringIn(annaCollective.doc, { doc: laneCopy, memberId: anna.member.id, noteId: rules }, { createdBy: anna.member.id, at: Date.now() });
		await annaCollective.saved();
		deleteNote(bertLane.doc, bertNote);
		await bertLane.saved();

		const { entries, edits, marks } = await server.zwerm.timeline.timeline(p, board);
		// Every change is in exactly one edit, and there are far fewer edits than changes.
		expect(edits.reduce((n, e) => n + e.changes, 0)).toBe(entries.length);
		expect(edits.length).toBeLessThan(entries.length / 2);
		// Edits end in log order: the scrubber's moments only move forward.
		expect(edits.map((e) => e.seq)).toEqual([...edits.map((e) => e.seq)].sort((a, b) => a - b));

		const story = edits.map((e) => [who(e), e.verb, e.excerpt]);
		expect(story).toEqual([
			['Anna', 'wrote', 'Regels van de gemeente'],
			['Bert', 'wrote', 'Ruimte om te leren'],
			['anonymous', 'wrote', 'Niemand durft het te zeggen'],
			['Anna', 'rewrote', 'Regels van de gemeente opnieuw'],
			['Anna', 'broughtIn', 'Regels van de gemeente opnieuw'],
			['Bert', 'removed', 'Ruimte om te leren']
		]);
		// The first meeting holds the first three edits; the rest came after it.
		expect(edits.map((e) => meetingAt(e.seq, marks).kind)).toEqual(['in', 'in', 'in', 'between', 'between', 'between']);
		expect(edits.filter((e) => e.seq <= end.seq)).toHaveLength(3);

		// A curious member's view of the anonymous edit: no author, no time, and nothing of Bert anywhere in it.
		const anonymous = edits.filter((e) => e.lane === 'anonymous');
		expect(anonymous).toHaveLength(1);
		expect(anonymous[0]).toMatchObject({ by: 'anonymous', at: null });
		expect(JSON.stringify(anonymous)).not.toContain(bert.member.id);
		expect(JSON.stringify(anonymous)).not.toContain(bert.member.name);
		// Nor does its note id lead to Bert: the private note is never in any edit.
		expect(edits.some((e) => e.note === secret && e.lane !== 'anonymous')).toBe(false);
		for (const e of entries.filter((x) => x.lane === 'anonymous')) expect(e).toMatchObject({ at: null, by: 'anonymous' });
	});
});
