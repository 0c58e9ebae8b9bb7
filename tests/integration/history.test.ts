import { describe, expect, it, type Open } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { createRandom } from '../helpers/random.ts';
import { collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import {
	bringIn,
	createNote,
	deleteNote,
	listNotes,
	moveNote,
	noteContent,
	plainText,
	setNoteColor,
	setPlainText,
	transferNote
} from '#lib/domain/notes.ts';
import { changeVisibility } from '#lib/domain/visibility.ts';
import { applySteps, type BoardView, type LaneKey } from '#lib/domain/history.ts';
import { NOTE_COLORS } from '#lib/domain/palette.ts';
import type { BoardId } from '#lib/domain/ids.ts';
import type { MarkRecord } from '#server/records.ts';

/**
 * The timeline replays the durable log: a board at any moment, steps between
 * moments, comparisons and restores as new changes. Real server, real
 * websockets, real SQLite; checkpoints every few updates so replays start
 * from them.
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let open: Open;

it.override('serverOptions', { checkpointEvery: 7 });

it.beforeEach(async ({ server: s, open: o, practice }) => {
	server = s;
	open = o;
	fx = await practice({ participants: 2 });
});

/** What a user checks on a board: per lane, each note's text, colour and place. */
function summary(view: BoardView) {
	return view.notes
		.map((n) => `${n.lane}|${n.id}|${n.text}|${n.color}|${n.x.toFixed(4)},${n.y.toFixed(4)}|${[...n.cites].sort().join(',')}`)
		.sort();
}

/** The same summary of the server's live documents (everything in them is logged once saved). */
async function liveSummary(lanes: [LaneKey, string][]) {
	const out: string[] = [];
	for (const [lane, name] of lanes) {
		const doc = await server.zwerm.readDocument(name);
		for (const n of listNotes(doc)) {
			out.push(`${lane}|${n.id}|${plainText(noteContent(doc, n.id))}|${n.color}|${n.x.toFixed(4)},${n.y.toFixed(4)}|${[...n.cites].sort().join(',')}`);
		}
	}
	return out.sort();
}

describe('the timeline', () => {
	it('replays a recorded session to exactly the state at every named snapshot, by view and by steps', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		const collectiveA = open(collectiveDoc(p, board), anna.token);
		const collectiveB = open(collectiveDoc(p, board), bert.token);
		const laneA = open(laneDoc(p, board, anna.member.id), anna.token);
		const laneB = open(laneDoc(p, board, bert.member.id), bert.token);
		const lanes: [LaneKey, string][] = [
			['collective', collectiveDoc(p, board)],
			[`lane:${anna.member.id}`, laneDoc(p, board, anna.member.id)],
			[`lane:${bert.member.id}`, laneDoc(p, board, bert.member.id)]
		];
		const writers = [
			{ who: anna, collective: collectiveA, lane: laneA },
			{ who: bert, collective: collectiveB, lane: laneB }
		];
		const random = createRandom(42);
		const expected: { mark: MarkRecord; state: string[] }[] = [];

		for (let round = 0; round < 5; round++) {
			for (let i = 0; i < 12; i++) {
				const w = random.pick(writers);
				const target = random.bool() ? w.collective : w.lane;
				const notes = listNotes(target.doc);
				const op = notes.length === 0 ? 0 : random.int(0, 5);
				const note = notes.length ? random.pick(notes).id : null;
				if (op === 0) createNote(target.doc, { createdBy: w.who.member.id, at: Date.now(), text: `r${round} i${i}`, x: random.next(), y: random.next() });
				else if (op === 1) setPlainText(noteContent(target.doc, note!), `bewerkt ${round}.${i}`);
				else if (op === 2) moveNote(target.doc, note!, random.next(), random.next());
				else if (op === 3) setNoteColor(target.doc, note!, random.pick(NOTE_COLORS).id);
				else if (op === 4 && target === w.lane) bringIn(w.collective.doc, { doc: w.lane.doc, memberId: w.who.member.id, noteId: note! }, { createdBy: w.who.member.id, at: Date.now() });
				else deleteNote(target.doc, note!);
			}
			await Promise.all(writers.flatMap((w) => [w.collective.saved(), w.lane.saved()]));
			const mark = await server.zwerm.meetings.snapshot(p, `Bijeenkomst ${round + 1}`, fx.facilitator.member.id);
			expected.push({ mark, state: await liveSummary(lanes) });
		}

		// Replaying any snapshot gives what the board was then, whatever came after.
		for (const { mark, state } of expected) {
			expect(summary(await server.zwerm.timeline.view(p, board, mark.seq)), mark.name).toEqual(state);
		}
		// Stepping from the first snapshot to the last gives the same as jumping there.
		const first = expected[0].mark.seq;
		const last = expected.at(-1)!.mark.seq;
		const { view, steps } = await server.zwerm.timeline.replay(p, board, first, last);
		expect(steps.length).toBeGreaterThan(20);
		expect(summary(applySteps(view!, steps))).toEqual(expected.at(-1)!.state);
		// And the steps pass through every snapshot on the way.
		for (const { mark, state } of expected.slice(1, -1)) {
			expect(summary(applySteps(view!, steps.filter((s) => s.seq <= mark.seq)))).toEqual(state);
		}
		// Checkpoints were written along the way, so replays did not fold the whole log.
		const timeline = await server.zwerm.timeline.timeline(p, board);
		expect(timeline.entries.length).toBe(steps.length + timeline.entries.filter((e) => e.seq <= first).length);
		expect(timeline.marks.map((m) => m.name)).toEqual(expected.map((e) => e.mark.name));
	});

	it('names who made each change, keeps the anonymous lane without time or author, and never shows a private note', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		server.zwerm.mirror.mirrorDelayMs = 20;
		const lane = open(laneDoc(p, board, anna.member.id), anna.token);
		const priv = open(privateDoc(p, board, anna.member.id), anna.token);
		const collective = open(collectiveDoc(p, board), bert.token);
		const shared = createNote(lane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'eerst gedeeld, later privé' });
		const stays = createNote(lane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'blijft gedeeld' });
		createNote(collective.doc, { createdBy: bert.member.id, at: Date.now(), text: 'van Bert' });
		await Promise.all([lane.saved(), collective.saved(), expect.poll(() => priv.provider.isSynced, { message: 'private synced' }).toBe(true)]);
		const before = await server.zwerm.meetings.snapshot(p, 'gedeeld', fx.facilitator.member.id);
		// Anna makes one note private, and one anonymous.
		changeVisibility({ private: priv.doc, shared: lane.doc }, 'shared', shared, 'private', { createdBy: anna.member.id, at: Date.now() });
		const secret = createNote(priv.doc, { createdBy: anna.member.id, at: Date.now(), text: 'anoniem bedoeld' });
		changeVisibility({ private: priv.doc, shared: lane.doc }, 'private', secret, 'anonymous', { createdBy: anna.member.id, at: Date.now() });
		await Promise.all([lane.saved(), priv.saved()]);
		await expect.poll(async () => (await server.zwerm.timeline.timeline(p, board)).entries.some((e) => e.lane === 'anonymous')).toBe(true);

		const { entries } = await server.zwerm.timeline.timeline(p, board);
		expect(new Set(entries.map((e) => e.lane))).toEqual(new Set(['collective', `lane:${anna.member.id}`, 'anonymous']));
		for (const e of entries) {
			if (e.lane === 'anonymous') expect(e).toMatchObject({ at: null, by: 'anonymous' });
			if (e.lane === 'collective') expect(e.by).toEqual({ memberId: bert.member.id, name: bert.member.name });
			if (e.lane === `lane:${anna.member.id}`) expect(e.by).toEqual({ memberId: anna.member.id, name: anna.member.name });
		}
		// The note that is private now is not in the past either: not even when it was shared.
		for (const seq of [before.seq, ...entries.map((e) => e.seq)]) {
			const view = await server.zwerm.timeline.view(p, board, seq);
			expect(view.notes.map((n) => n.text)).not.toContain('eerst gedeeld, later privé');
			expect(view.notes.find((n) => n.id === shared)).toBeUndefined();
			for (const n of view.notes.filter((n) => n.lane === 'anonymous')) expect(n).toMatchObject({ createdBy: null, createdAt: null });
		}
		const now = await server.zwerm.timeline.view(p, board, entries.at(-1)!.seq);
		expect(now.notes.map((n) => n.text).sort()).toEqual(['anoniem bedoeld', 'blijft gedeeld', 'van Bert']);
		expect(now.notes.find((n) => n.text === 'blijft gedeeld')?.id).toBe(stays);
	});

	it('compares two moments: added, removed, changed with a text diff, moved between lanes, brought in', async () => {
		const [anna] = fx.participants;
		const p = fx.practice.id;
		const lane = open(laneDoc(p, board, anna.member.id), anna.token);
		const collective = open(collectiveDoc(p, board), anna.token);
		const by = { createdBy: anna.member.id, at: Date.now() };
		const edited = createNote(collective.doc, { ...by, text: 'we leren samen' });
		const gone = createNote(collective.doc, { ...by, text: 'weg ermee' });
		const wandering = createNote(lane.doc, { ...by, text: 'ik verhuis' });
		const source = createNote(lane.doc, { ...by, text: 'mijn inzicht' });
		await Promise.all([lane.saved(), collective.saved()]);
		const a = await server.zwerm.meetings.snapshot(p, 'A', fx.facilitator.member.id);

		setPlainText(noteContent(collective.doc, edited), 'we leren samen met de wijk');
		deleteNote(collective.doc, gone);
		transferNote(lane.doc, collective.doc, wandering, by);
		const cited = bringIn(collective.doc, { doc: lane.doc, memberId: anna.member.id, noteId: source }, by);
		const fresh = createNote(collective.doc, { ...by, text: 'nieuw' });
		await Promise.all([lane.saved(), collective.saved()]);
		const b = await server.zwerm.meetings.snapshot(p, 'B', fx.facilitator.member.id);

		const diff = await server.zwerm.timeline.compare(p, board, a.seq, b.seq);
		expect(diff.added.map((n) => n.id).sort()).toEqual([cited, fresh].sort());
		expect(diff.removed.map((n) => n.text)).toEqual(['weg ermee']);
		const change = diff.changed.find((c) => c.after.id === edited)!;
		expect(change.text.filter((part) => part.added).map((part) => part.value.trim())).toEqual(['met de wijk']);
		expect(diff.movedLanes).toEqual([expect.objectContaining({ from: `lane:${anna.member.id}`, to: 'collective', note: expect.objectContaining({ id: wandering }) })]);
		expect(diff.broughtIn).toHaveLength(1);
		expect(diff.broughtIn[0].collective.id).toBe(cited);
		expect(diff.broughtIn[0].sources).toEqual([expect.objectContaining({ id: source, text: 'mijn inzicht' })]);
	});

	it('restores a past state as a new change that clients, also offline ones, do not undo', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		const name = collectiveDoc(p, board);
		const live = open(name, anna.token);
		const by = { createdBy: anna.member.id, at: Date.now() };
		const kept = createNote(live.doc, { ...by, text: 'het begin' });
		const later = createNote(live.doc, { ...by, text: 'komt terug' });
		await live.saved();
		const past = await server.zwerm.meetings.snapshot(p, 'voor de verwarring', fx.facilitator.member.id);
		const pastState = await liveSummary([['collective', name]]);

		setPlainText(noteContent(live.doc, kept), 'het begin, herschreven');
		deleteNote(live.doc, later);
		moveNote(live.doc, kept, 0.9, 0.1);
		createNote(live.doc, { ...by, text: 'een zijspoor' });
		await live.saved();

		// Bert has the board as it is now, and goes offline with that copy.
		const offline = open(name, bert.token);
		await offline.saved();
		expect(listNotes(offline.doc)).toHaveLength(2);
		offline.socket.disconnect();

		const mark = await server.zwerm.timeline.restore(p, board, past.seq, fx.facilitator.member.id, 'terug naar het begin');
		expect(await liveSummary([['collective', name]])).toEqual(pastState);
		await expect.poll(() => listNotes(live.doc).map((n) => plainText(noteContent(live.doc, n.id))).sort()).toEqual(['het begin', 'komt terug']);

		// The offline copy comes back with its old state: the restore stays.
		await offline.socket.connect();
		await offline.saved();
		await expect.poll(() => listNotes(offline.doc).map((n) => plainText(noteContent(offline.doc, n.id))).sort()).toEqual(['het begin', 'komt terug']);
		expect(await liveSummary([['collective', name]])).toEqual(pastState);

		// The restore is on the timeline, made by the facilitator; nothing before it was rewritten.
		const { entries, marks } = await server.zwerm.timeline.timeline(p, board);
		expect(marks.at(-1)).toMatchObject({ kind: 'restore', name: 'terug naar het begin', seq: mark.seq });
		expect(entries.find((e) => e.seq === mark.seq)?.by).toEqual({ memberId: fx.facilitator.member.id, name: fx.facilitator.member.name });
		expect(summary(await server.zwerm.timeline.view(p, board, mark.seq - 1)).some((s) => s.includes('een zijspoor'))).toBe(true);
		expect(summary(await server.zwerm.timeline.view(p, board, past.seq))).toEqual(pastState);
	});

	it('tells a member what is new or changed since their last visit, per board, without their own lane', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		const collective = open(collectiveDoc(p, board), anna.token);
		const annaLane = open(laneDoc(p, board, anna.member.id), anna.token);
		const bertLane = open(laneDoc(p, board, bert.member.id), bert.token);
		const old = createNote(collective.doc, { createdBy: anna.member.id, at: Date.now(), text: 'oud' });
		const untouched = createNote(collective.doc, { createdBy: anna.member.id, at: Date.now(), text: 'blijft' });
		await collective.saved();
		// Never opened: everything is new.
		expect((await server.zwerm.news.news(p, board, bert.member.id)).notes.map((n) => n.id).sort()).toEqual([old, untouched].sort());
		await server.zwerm.news.markSeen(p, board, bert.member.id);
		expect((await server.zwerm.news.news(p, board, bert.member.id)).notes).toEqual([]);

		setPlainText(noteContent(collective.doc, old), 'oud maar aangevuld');
		const fresh = createNote(collective.doc, { createdBy: anna.member.id, at: Date.now(), text: 'nieuw' });
		const annas = createNote(annaLane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'van Anna' });
		createNote(bertLane.doc, { createdBy: bert.member.id, at: Date.now(), text: 'van Bert zelf' });
		await Promise.all([collective.saved(), annaLane.saved(), bertLane.saved()]);

		const news = await server.zwerm.news.news(p, board, bert.member.id);
		expect(news.notes).toEqual(
			expect.arrayContaining([
				{ lane: 'collective', id: old, kind: 'changed' },
				{ lane: 'collective', id: fresh, kind: 'added' },
				{ lane: `lane:${anna.member.id}`, id: annas, kind: 'added' }
			])
		);
		expect(news.notes).toHaveLength(3);
		const counts = await server.zwerm.news.newsCounts(p, bert.member.id);
		expect(counts[board]).toBe(3);
		expect(Object.entries(counts).filter(([b]) => b !== board).every(([, n]) => n === 0)).toBe(true);
		// Anna never opened the board, but she wrote the collective notes: only Bert's note is news to her.
		const bertsNote = { lane: `lane:${bert.member.id}`, id: listNotes(bertLane.doc)[0].id, kind: 'added' };
		expect((await server.zwerm.news.news(p, board, anna.member.id)).notes).toEqual([bertsNote]);
		// Until Bert changes one of her notes.
		const bertsView = open(collectiveDoc(p, board), bert.token);
		await bertsView.saved();
		setPlainText(noteContent(bertsView.doc, untouched), 'blijft, zegt Bert');
		await bertsView.saved();
		expect((await server.zwerm.news.news(p, board, anna.member.id)).notes).toEqual(
			expect.arrayContaining([bertsNote, { lane: 'collective', id: untouched, kind: 'added' }])
		);
		// Bert's own edit is not news to Bert.
		await server.zwerm.news.markSeen(p, board, bert.member.id);
		expect((await server.zwerm.news.newsCounts(p, bert.member.id))[board]).toBe(0);
	});

	it('forgets erased notes from the past too, also after showing them', async () => {
		const [anna, bert] = fx.participants;
		const p = fx.practice.id;
		const lane = open(laneDoc(p, board, anna.member.id), anna.token);
		const collective = open(collectiveDoc(p, board), bert.token);
		createNote(lane.doc, { createdBy: anna.member.id, at: Date.now(), text: 'wat Anna deelde' });
		createNote(collective.doc, { createdBy: bert.member.id, at: Date.now(), text: 'van de groep' });
		await Promise.all([lane.saved(), collective.saved()]);
		const moment = await server.zwerm.meetings.snapshot(p, 'toen', fx.facilitator.member.id);
		expect((await server.zwerm.timeline.view(p, board, moment.seq)).notes.map((n) => n.text).sort()).toEqual(['van de groep', 'wat Anna deelde']);
		lane.destroy();
		await server.zwerm.practices.leave(p, anna.member.id, { shared: 'erase' });
		for (const seq of [moment.seq, (await server.zwerm.timeline.timeline(p, board)).head]) {
			expect((await server.zwerm.timeline.view(p, board, seq)).notes.map((n) => n.text)).toEqual(['van de groep']);
		}
		const { entries } = await server.zwerm.timeline.timeline(p, board);
		expect(entries.every((e) => e.by === null || (e.by !== 'anonymous' && e.by.memberId !== anna.member.id))).toBe(true);
	});

	it('ends a meeting with a snapshot of every board, one meeting at a time', async () => {
		const p = fx.practice.id;
		const f = fx.facilitator.member.id;
		const { meeting } = await server.zwerm.meetings.startMeeting(p, { title: 'Bijeenkomst 3', date: '2026-11-22', agenda: [board] }, f);
		await expect(server.zwerm.meetings.startMeeting(p, { title: 'Nog een', date: '2026-11-22', agenda: [] }, f)).rejects.toMatchObject({
			code: 'meeting-running'
		});
		const ended = await server.zwerm.meetings.endMeeting(p, meeting.id, f);
		expect(ended.meeting.endedAt).not.toBeNull();
		expect(ended.mark).toMatchObject({ kind: 'meeting-end', name: 'Bijeenkomst 3', boardId: null, meetingId: meeting.id });
		// A snapshot of every board: the mark is on each board's timeline.
		for (const other of ['intentie', 'normativiteit'] as BoardId[]) {
			expect((await server.zwerm.timeline.timeline(p, other)).marks.map((m) => m.kind)).toEqual(['meeting-start', 'meeting-end']);
		}
		await expect(server.zwerm.meetings.endMeeting(p, meeting.id, f)).rejects.toMatchObject({ code: 'no-meeting' });
		expect((await server.zwerm.meetings.listMeetings(p)).map((m) => m.title)).toEqual(['Bijeenkomst 3']);
	});
});
