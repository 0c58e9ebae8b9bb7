import * as Y from 'yjs';
import { describe, expect, it, type Open } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import type { TestClient } from '../helpers/clients.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, noteContent, notesMap, setNoteQuestion, transferNote } from '#lib/domain/notes.ts';
import { gapsOf, type Figures } from '#lib/domain/figures.ts';
import { figuresMarkdown } from '#server/figures-report.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import { getBuiltinFramework, DEFAULT_FRAMEWORK_ID } from '#lib/domain/frameworks.ts';
import type { BoardId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * Figures and the coverage map over a small practice with two meetings,
 * written by real clients over real websockets into the real log: notes per
 * chapter, bring-ins (named and anonymous), activity during and between
 * meetings, the questions worked on; then what another member receives.
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let open: Open;
let p: PracticeId;

it.beforeEach(async ({ server: s, open: o, practice }) => {
	server = s;
	open = o;
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await practice({ participants: 2 });
	p = fx.practice.id;
});

async function type(client: TestClient, id: NoteId, words: string) {
	const text = (noteContent(client.doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
	text.insert(text.length, words);
	await client.saved();
}

/**
 * Meeting 1: Anna writes two notes (one answers the aspect's question) and brings one in; Bert writes one.
 * Between: Bert rewrites his. Meeting 2: Bert writes an anonymous note, brought in by the server;
 * Anna writes a note and makes it private again (hidden now: counted nowhere).
 */
async function twoMeetings() {
	const [anna, bert] = fx.participants;
	const fac = fx.facilitator.member.id;
	const laneA = open(laneDoc(p, board, anna.member.id), anna.token);
	const laneB = open(laneDoc(p, board, bert.member.id), bert.token);
	const privA = open(privateDoc(p, board, anna.member.id), anna.token);
	const privB = open(privateDoc(p, board, bert.member.id), bert.token);
	const collA = open(collectiveDoc(p, board), anna.token);
	await Promise.all([laneA, laneB, privA, privB, collA].map((c) => c.saved()));

	const m1 = await server.zwerm.meetings.startMeeting(p, { title: 'Eerste', date: '2026-12-01', agenda: [] }, fac);
	const a1 = createNote(laneA.doc, { createdBy: anna.member.id, at: Date.now(), text: 'Wat willen we leren?' });
	const a2 = createNote(laneA.doc, { createdBy: anna.member.id, at: Date.now(), text: 'Voor wie doen we dit?' });
	setNoteQuestion(laneA.doc, a2, 0);
	const b1 = createNote(laneB.doc, { createdBy: bert.member.id, at: Date.now(), text: 'Samen beter' });
	await Promise.all([laneA.saved(), laneB.saved()]);
	const c1 = bringIn(collA.doc, { doc: laneA.doc, memberId: anna.member.id, noteId: a1 }, { createdBy: anna.member.id, at: Date.now() });
	await collA.saved();
	await server.zwerm.meetings.endMeeting(p, m1.meeting.id, fac);

	await type(laneB, b1, ' en sneller');

	const m2 = await server.zwerm.meetings.startMeeting(p, { title: 'Tweede', date: '2026-12-08', agenda: [] }, fac);
	const secret = createNote(privB.doc, { createdBy: bert.member.id, at: Date.now(), text: 'Niemand durft het te zeggen' });
	notesMap(privB.doc).get(secret)!.set('visibility', 'anonymous');
	await privB.saved();
	await server.zwerm.mirror.mirror(privateDoc(p, board, bert.member.id));
	const anonDoc = await server.zwerm.readDocument(anonymousDoc(p, board));
	const anonId = [...notesMap(anonDoc).keys()][0] as NoteId;
	expect(anonId).toBeTruthy();
	const c2 = await server.zwerm.mirror.bringIn(p, board, anonId);
	const hidden = createNote(laneA.doc, { createdBy: anna.member.id, at: Date.now(), text: 'toch liever privé' });
	await laneA.saved();
	transferNote(laneA.doc, privA.doc, hidden, { createdBy: anna.member.id, at: Date.now(), kind: 'private' });
	await Promise.all([laneA.saved(), privA.saved()]);
	await server.zwerm.meetings.endMeeting(p, m2.meeting.id, fac);
	return { anna, bert, a1, a2, b1, c1, c2, hidden, secret, collA };
}

const intentie = (f: Figures) => f.boards.find((b) => b.board === board)!;

describe('figures of a practice', () => {
	it('count notes, bring-ins, activity and questions per meeting, through the board reader', async () => {
		const { bert } = await twoMeetings();
		const figures = await server.zwerm.figures.figures(p, bert.member.id);
		expect(figures.chapters.map((c) => [c.index, c.title])).toEqual([
			[1, 'Eerste'],
			[2, 'Tweede'],
			[3, '']
		]);
		const [one, two, after] = intentie(figures).chapters;
		expect(one).toMatchObject({
			collective: 1,
			individual: 3,
			broughtIn: { members: 1, anonymous: 0 },
			changed: { during: 4, between: 0 },
			touched: 4,
			mine: { notes: 1, broughtIn: 0, during: 1, between: 0 }
		});
		// The question Anna's note answers, and the brought-in copy carries none (a1 had none).
		expect(one.questions.map((n, q) => [q, n]).filter(([, n]) => n > 0)).toEqual([[0, 1]]);
		// Between the meetings Bert rewrote his note; in the second the anonymous note came in and was brought in.
		// Anna's note made private again is counted nowhere, neither in her lane nor in the activity.
		expect(two).toMatchObject({
			collective: 2,
			individual: 4,
			broughtIn: { members: 0, anonymous: 1 },
			changed: { during: 2, between: 1 },
			touched: 3,
			mine: { notes: 1, broughtIn: 0, during: 0, between: 1 }
		});
		expect(after).toMatchObject({ collective: 2, individual: 4, touched: 0 });
		// The other boards were not touched: the coverage map says since when (never) for every one of them.
		const gaps = gapsOf(figures);
		expect(gaps.filter((g) => g.question === null).map((g) => g.board)).not.toContain(board);
		expect(gaps).toContainEqual({ board: 'context', question: null, since: null });
		// Questions are pointed out only for aspects the group worked on.
		expect(gaps.filter((g) => g.board === 'context')).toEqual([{ board: 'context', question: null, since: null }]);
		expect(gaps).not.toContainEqual({ board, question: 0, since: null });
	});

	it('of a range (a report’s): only the chapters inside it, the time before its first meeting left out', async () => {
		const { bert } = await twoMeetings();
		const marks = await server.zwerm.meetings.listMarks(p);
		const second = marks.filter((m) => m.name === 'Tweede');
		const start = second.find((m) => m.kind === 'meeting-start')!.seq;
		const end = second.find((m) => m.kind === 'meeting-end')!.seq;
		const whole = await server.zwerm.figures.figures(p, null);
		const ranged = await server.zwerm.figures.figures(p, null, { from: start, to: end });
		expect(ranged.chapters.map((c) => [c.index, c.title, c.from, c.to])).toEqual([[2, 'Tweede', start, end]]);
		// Bert's rewrite between the meetings is before the range: not in it. What happened during the meeting is.
		expect(intentie(whole).chapters[1]).toMatchObject({ changed: { during: 2, between: 1 }, touched: 3 });
		expect(intentie(ranged).chapters).toEqual([
			{ ...intentie(whole).chapters[1], changed: { during: 2, between: 0 }, touched: 2, questions: expect.any(Array) }
		]);
		expect(JSON.stringify(ranged)).not.toContain('"mine"');
		// From the second meeting up to now: the second meeting and the time after it (counted as a range up to now).
		const since = await server.zwerm.figures.figures(p, null, { from: start, to: ranged.head + 10 });
		expect(since.chapters.map((c) => [c.index, c.meetingId !== null])).toEqual([
			[2, true],
			[3, false]
		]);
		// The overview's figures are unchanged by the reports' countings kept beside them.
		expect(await server.zwerm.figures.figures(p, null)).toEqual(whole);
		expect(intentie(await server.zwerm.figures.figures(p, bert.member.id)).chapters[1].mine).toEqual({ notes: 1, broughtIn: 0, during: 0, between: 1 });
	});

	it('are computed incrementally: a later change is folded in without starting again', async () => {
		const { anna, collA, c1 } = await twoMeetings();
		const before = intentie(await server.zwerm.figures.figures(p, anna.member.id)).chapters.at(-1)!;
		await type(collA, c1, ' samen');
		const later = intentie(await server.zwerm.figures.figures(p, anna.member.id)).chapters.at(-1)!;
		expect(before.touched).toBe(0);
		expect(later).toMatchObject({ touched: 1, changed: { during: 0, between: 1 }, mine: { during: 0, between: 1 } });
	});

	it('are the same when several members ask at once, after new changes to a folded lane', async () => {
		const { anna, bert, collA, c1 } = await twoMeetings();
		await server.zwerm.figures.figures(p, anna.member.id);
		await type(collA, c1, ' nog eens');
		await type(collA, c1, ' en nog eens');
		const answers = await Promise.all([anna, bert, anna, bert].map((m) => server.zwerm.figures.figures(p, m.member.id)));
		const group = (f: Figures) => f.boards.map((b) => b.chapters.map(({ mine: _mine, ...rest }) => rest));
		for (const a of answers) expect(group(a)).toEqual(group(answers[0]));
		expect(intentie(answers[0]).chapters.at(-1)).toMatchObject({ touched: 1 });
		// The lineage counts each rewrite once too.
		expect((await server.zwerm.figures.lineage(p, board, c1)).steps.map((s) => s.kind)).toEqual(['brought-in', 'edited']);
		expect(intentie(answers[0]).chapters[0]).toMatchObject({ changed: { during: 4, between: 0 } });
	});
});

describe('what another member receives (the curious member)', () => {
	it('holds no one else’s per-member figures and nothing that ties the anonymous note to Bert', async () => {
		const { anna, bert, secret } = await twoMeetings();
		const seenByAnna = await server.zwerm.figures.figures(p, anna.member.id);
		const seenByBert = await server.zwerm.figures.figures(p, bert.member.id);
		const seenByObserver = await server.zwerm.figures.figures(p, fx.observer.member.id);
		const json = JSON.stringify(seenByAnna);
		// No member id, no note id, no time at all in the figures: counts and meeting titles only.
		for (const m of [bert, fx.facilitator, fx.observer]) expect(json).not.toContain(m.member.id);
		expect(json).not.toContain(anna.member.id);
		expect(json).not.toContain(secret);
		expect(json).not.toMatch(/"at"|createdAt|createdBy/);
		// The group's figures are the same whoever asks; only `mine` differs, and it is the asker's own.
		const groupOf = (f: Figures) => f.boards.map((b) => b.chapters.map(({ mine: _mine, ...rest }) => rest));
		expect(groupOf(seenByAnna)).toEqual(groupOf(seenByBert));
		expect(groupOf(seenByObserver)).toEqual(groupOf(seenByBert));
		const two = (f: Figures) => intentie(f).chapters[1].mine!;
		expect(two(seenByAnna)).toEqual({ notes: 2, broughtIn: 0, during: 0, between: 0 });
		// Bert's anonymous note is never in his own series either: it is the group's.
		expect(two(seenByBert)).toEqual({ notes: 1, broughtIn: 0, during: 0, between: 1 });
		// The report's section: the group's figures only, as tables.
		const group = await server.zwerm.figures.figures(p, null);
		expect(JSON.stringify(group)).not.toContain('"mine"');
		const md = figuresMarkdown(group, boardsOf(getBuiltinFramework(DEFAULT_FRAMEWORK_ID)!), 'nl');
		expect(md).toContain('| Intentie | 1 / 3 | 2 / 4 |');
		expect(md).toContain('| anoniem | 0 | 1 |');
		expect(md).not.toMatch(/Anna|Bert|jouw|jij/i);
	});

	it('the lineage of a collective note names the members of shared notes and keeps anonymous ones anonymous', async () => {
		const { anna, bert, c1, c2, a1, collA } = await twoMeetings();
		await type(collA, c1, ' herschreven');
		const named = await server.zwerm.figures.lineage(p, board, c1);
		expect(named.sources).toEqual([{ ref: `lane:${anna.member.id}:${a1}`, kind: 'member', name: anna.member.name, text: 'Wat willen we leren?' }]);
		expect(named.steps.map((s) => [s.kind, s.by === null || s.by === 'anonymous' ? s.by : s.by.name, s.chapter])).toEqual([
			['brought-in', anna.member.name, 0],
			['edited', anna.member.name, 2]
		]);
		expect(named.text).toBe('Wat willen we leren? herschreven');
		const anonymous = await server.zwerm.figures.lineage(p, board, c2);
		const json = JSON.stringify(anonymous);
		expect(anonymous.sources).toEqual([{ ref: expect.stringMatching(/^anon:/), kind: 'anonymous', name: null, text: 'Niemand durft het te zeggen' }]);
		expect(anonymous.steps).toEqual([expect.objectContaining({ kind: 'brought-in', by: 'anonymous', at: null, chapter: 1, during: true })]);
		expect(json).not.toContain(bert.member.id);
		expect(json).not.toContain(bert.member.name);
		await expect(server.zwerm.figures.lineage(p, board, 'Nonexistent-note-1' as NoteId)).rejects.toThrow(/No such collective note/);
	});
});
