import { vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { setUpPractice } from '../helpers/practice.ts';
import { postgresAvailable } from '../helpers/postgres.ts';
import { PostgresStorage } from '#server/storage/postgres.ts';
import { checkRedis } from '#server/redis.ts';
import { reportMarkdown } from '#server/report.ts';
import { reportFor } from '#lib/server/report.ts';
import { collectiveDoc, laneDoc, practiceDoc } from '#lib/domain/docnames.ts';
import { readActivity, type VoteInfo } from '#lib/domain/activities.ts';
import { createNote } from '#lib/domain/notes.ts';
import type { BoardId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';
import type { ActivityAnswer } from '#server/activities/index.ts';

/**
 * Dot voting: the facilitator opens a vote on a board's collective notes;
 * members place and take back dots through the server, which keeps them in
 * its records and holds every limit; nobody sees totals or who voted for
 * what while it is open, and who voted for what never leaves the server.
 * Closing publishes the ranked totals, a mark on the timeline and a part of
 * the report.
 *
 * The handler's `start`, `end` and actions are what the endpoint
 * (`…/activities/vote[/:action]`) calls after checking the caller's role
 * (tests/e2e/http-access.test.ts holds the roles over HTTP); their answers are
 * the endpoint's JSON bodies.
 */
const board = 'intentie' as BoardId;
const REDIS_URL = process.env.ZWERM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const caller = (s: Session) => ({ memberId: s.member.id, role: s.member.role });

/** The vote's handler on a server, as the endpoint uses it. */
function voting(server: TestServer, practiceId: PracticeId) {
	const votes = server.zwerm.activities.votes;
	const where = { practiceId, boardId: board };
	return {
		open: (by: Session, body: unknown) => votes.start(where, caller(by), body),
		close: (by: Session) => votes.end(where, caller(by)),
		mine: (s: Session) => votes.actions.mine.run(where, caller(s)),
		place: (s: Session, noteId: string) => votes.actions.place.run(where, caller(s), { noteId }),
		take: (s: Session, noteId: string) => votes.actions.take.run(where, caller(s), { noteId })
	};
}

const shown = (doc: Y.Doc): VoteInfo | null => readActivity(doc, 'vote', board);

async function collectiveNotes(open: (name: string, token: string) => Promise<TestClient>, fx: PracticeFixture, texts: string[]): Promise<NoteId[]> {
	const collective = await open(collectiveDoc(fx.practice.id, board), fx.facilitator.token);
	const ids = texts.map((text, i) => createNote(collective.doc, { createdBy: fx.facilitator.member.id, at: Date.now() + i, text }));
	await collective.saved();
	return ids;
}

describe('a dot vote on one server', () => {
	let fx: PracticeFixture;

	it.beforeEach(async ({ practice }) => {
		fx = await practice({ participants: 2 });
	});

	it('holds every limit: dots per person, per note, notes in the collective lane only, only while open, only the caller’s own', async ({
		server,
		openSynced
	}) => {
		const p = fx.practice.id;
		const [piet, kim] = fx.participants;
		const [a, b, c] = await collectiveNotes(openSynced, fx, ['Meer overleg', 'Minder vergaderen', 'Koffie']);
		const vote = voting(server, p);

		// Bad limits are refused before anything is kept.
		await expect(vote.open(fx.facilitator, { dots: 3, perNote: 4 })).rejects.toThrow(/perNote/);
		await expect(vote.open(fx.facilitator, { dots: 0 })).rejects.toThrow();
		await expect(vote.open(fx.facilitator, { dots: 3, who: 'me' })).rejects.toThrow();
		// No vote yet: nothing to place.
		await expect(vote.place(piet, a)).rejects.toMatchObject({ code: 'no-vote' });

		const opened = await vote.open(fx.facilitator, { dots: 3, perNote: 2 });
		expect(opened.status).toBe(201);
		await expect(vote.open(fx.facilitator, { dots: 5 })).rejects.toMatchObject({ code: 'vote-running' });

		expect((await vote.place(piet, a)).body).toMatchObject({ dots: 3, perNote: 2, left: 2, mine: { [a]: 1 } });
		expect((await vote.place(piet, a)).body).toMatchObject({ left: 1, mine: { [a]: 2 } });
		// Over M on one note.
		await expect(vote.place(piet, a)).rejects.toMatchObject({ code: 'note-full' });
		expect((await vote.place(piet, b)).body).toMatchObject({ left: 0 });
		// Over N.
		await expect(vote.place(piet, c)).rejects.toMatchObject({ code: 'no-dots-left' });
		// Taking back what was never placed; then taking one back frees a dot.
		await expect(vote.take(piet, c)).rejects.toMatchObject({ code: 'not-placed' });
		expect((await vote.take(piet, a)).body).toEqual({ id: expect.any(String), dots: 3, perNote: 2, left: 1, mine: { [a]: 1, [b]: 1 } });
		expect((await vote.place(piet, c)).body).toMatchObject({ left: 0 });

		// Notes that are not in the collective lane: unknown, or in a member's own lane.
		await expect(vote.place(kim, 'NoSuchNote00001')).rejects.toMatchObject({ code: 'not-found' });
		const lane = await openSynced(laneDoc(p, board, kim.member.id), kim.token);
		const own = createNote(lane.doc, { createdBy: kim.member.id, at: Date.now(), text: 'mijn eigen' });
		await lane.saved();
		await expect(vote.place(kim, own)).rejects.toMatchObject({ code: 'not-found' });
		await expect(vote.place(kim, '../../etc')).rejects.toThrow();

		// For someone else: the body names a note only; a member id in it is refused, and Kim's dots are Kim's.
		await expect(server.zwerm.activities.votes.actions.place.run({ practiceId: p, boardId: board }, caller(kim), { noteId: a, memberId: piet.member.id })).rejects.toThrow();
		expect((await vote.mine(kim)).body).toMatchObject({ left: 3, mine: {} });
		expect((await vote.mine(piet)).body).toMatchObject({ left: 0 });
		// Observers are not among who may vote (the endpoint refuses them before the handler).
		for (const action of ['mine', 'place', 'take'] as const) expect(server.zwerm.activities.votes.actions[action].roles).not.toContain('observer');

		// Many dots at once from one member: the records let exactly N through.
		const burst = await Promise.allSettled([a, b, c, a, b, c, a, b, c, a].map((n) => vote.place(kim, n)));
		expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
		expect((await vote.mine(kim)).body).toMatchObject({ left: 0 });

		const closed = await vote.close(fx.facilitator);
		// Piet: a, b, c; Kim: three, at most 2 per note.
		const result = (closed.body as { result: { noteId: string; total: number }[] }).result;
		expect(result.reduce((n, r) => n + r.total, 0)).toBe(6);
		expect(result.map((r) => r.total)).toEqual([...result.map((r) => r.total)].sort((x, y) => y - x));

		// After close: nothing more, and the per-voter rows are gone.
		await expect(vote.place(kim, a)).rejects.toMatchObject({ code: 'no-vote' });
		await expect(vote.take(piet, a)).rejects.toMatchObject({ code: 'no-vote' });
		await expect(vote.mine(piet)).rejects.toMatchObject({ code: 'no-vote' });
		await expect(vote.close(fx.facilitator)).rejects.toMatchObject({ code: 'no-vote' });
		const stored = (await server.zwerm.storage.records.votes.list(p))[0];
		expect(await server.zwerm.storage.records.votes.mine(stored.id, piet.member.id)).toEqual(new Map());
		expect(await server.zwerm.storage.records.votes.mine(stored.id, kim.member.id)).toEqual(new Map());
		expect(stored.result).toEqual(result);
	});

	it('shows nobody totals or voters while open; closing ranks the notes, marks the timeline and goes into the report', async ({
		server,
		scope,
		openSynced
	}) => {
		const p = fx.practice.id;
		const [piet, kim] = fx.participants;
		const [a, b, c] = await collectiveNotes(openSynced, fx, ['Meer overleg', 'Minder vergaderen', 'Koffie']);
		const vote = voting(server, p);
		await vote.open(fx.facilitator, { dots: 3 });

		/** Kim's and the facilitator's browsers: the practice document and the collective lane, every frame after the first sync. */
		const watch = async (s: Session) => {
			const ws = scope.socket(server.wsUrl);
			const frames: Uint8Array[] = [];
			const practice = scope.provider(ws, practiceDoc(p), s.token);
			const collective = scope.provider(ws, collectiveDoc(p, board), s.token);
			await expect.poll(() => practice.isSynced && collective.isSynced, { message: `${s.member.name} synced` }).toBe(true);
			ws.on('message', (event: MessageEvent) => frames.push(new Uint8Array(event.data as ArrayBuffer).slice()));
			/** Every state of the vote this browser saw. */
			const seen: VoteInfo[] = [];
			practice.document.on('update', () => {
				const v = shown(practice.document);
				if (v) seen.push(v);
			});
			return { frames, seen, practice: practice.document };
		};
		const kimSees = await watch(kim);
		const fennaSees = await watch(fx.facilitator);
		const responses: { who: string; answer: ActivityAnswer }[] = [];
		const as = async (who: Session, answer: Promise<ActivityAnswer>) => responses.push({ who: who.member.id, answer: await answer });

		await as(piet, vote.place(piet, a));
		await as(piet, vote.place(piet, a));
		await as(piet, vote.place(piet, b));
		await as(kim, vote.place(kim, a));
		await as(kim, vote.place(kim, c));
		await as(kim, vote.take(kim, c));
		await as(kim, vote.place(kim, b));
		await as(kim, vote.mine(kim));
		await as(fx.facilitator, vote.mine(fx.facilitator));
		// Piet has placed all three; Kim two of three: one member done, said as a count.
		await expect.poll(() => shown(kimSees.practice)?.done, { message: 'the done count' }).toBe(1);

		// Every response: the caller's own dots only, no totals, no other member.
		for (const { who, answer } of responses) {
			const body = answer.body as Record<string, unknown>;
			expect(Object.keys(body).sort()).toEqual(['dots', 'id', 'left', 'mine', 'perNote']);
			const text = JSON.stringify(body);
			for (const m of [piet, kim, fx.facilitator]) if (m.member.id !== who) expect(text).not.toContain(m.member.id);
			expect(text).not.toContain('total');
		}
		// Kim's last dot: her own two, and nothing of Piet's three.
		expect(responses[6].answer.body).toMatchObject({ left: 1, mine: { [a]: 1, [b]: 1 } });
		expect((responses.at(-1)!.answer.body as { mine: object }).mine).toEqual({});

		// Every frame Kim and the facilitator received during the vote: no member id, no totals; every state seen: no result.
		const ids = [piet, kim, fx.facilitator].map((m) => m.member.id);
		for (const sees of [kimSees, fennaSees]) {
			expect(sees.seen.length).toBeGreaterThan(0);
			for (const v of sees.seen) {
				expect(v.result).toBeNull();
				expect(Object.keys(v).sort()).toEqual(['boardId', 'closedAt', 'done', 'dots', 'endsAt', 'id', 'kind', 'perNote', 'result', 'startedAt']);
			}
			const bytes = Buffer.concat(sees.frames);
			for (const id of ids) expect(bytes.includes(Buffer.from(id)), 'a member id in a frame during the vote').toBe(false);
			expect(bytes.includes(Buffer.from('total'))).toBe(false);
			sees.frames.length = 0;
		}

		const closed = await vote.close(fx.facilitator);
		const ranked = [
			{ noteId: a, total: 3 },
			{ noteId: b, total: 2 }
		];
		expect(closed.body).toEqual({ result: ranked });
		await expect.poll(() => shown(kimSees.practice)?.result, { message: 'Kim sees the result' }).toEqual(ranked);
		expect(shown(fennaSees.practice)).toMatchObject({ closedAt: expect.any(Number), result: ranked, done: 0 });
		// After close too: totals only, never who.
		for (const sees of [kimSees, fennaSees]) {
			const bytes = Buffer.concat(sees.frames);
			for (const id of ids) expect(bytes.includes(Buffer.from(id)), 'a member id in a frame at the close').toBe(false);
		}

		// A mark on the board's timeline, by the facilitator who closed it.
		const marks = await server.zwerm.meetings.marksOfBoard(p, board);
		expect(marks.filter((m) => m.kind === 'vote')).toEqual([expect.objectContaining({ kind: 'vote', boardId: board, createdBy: fx.facilitator.member.id })]);

		// The report: in the chapter where the vote closed, the notes ranked with their totals.
		const report = await reportFor(server.zwerm, fx.practice, new URL('http://x/report'), 'nl');
		const voted = report.chapters.flatMap((c) => c.boards).filter((x) => x.id === board).flatMap((x) => x.votes);
		expect(voted).toEqual([
			{
				at: expect.any(Number),
				ranked: [
					{ note: { id: a, text: 'Meer overleg' }, votes: 3 },
					{ note: { id: b, text: 'Minder vergaderen' }, votes: 2 }
				]
			}
		]);
		expect(reportMarkdown(report)).toMatch(/1\\\. 3 stippen: “Meer overleg”\n2\\\. 2 stippen: “Minder vergaderen”/);
		// A range that ended before the vote closed leaves it out.
		const before = await reportFor(server.zwerm, fx.practice, new URL('http://x/report?to=1'), 'nl');
		expect(before.chapters.flatMap((c) => c.boards).flatMap((x) => x.votes)).toEqual([]);
	});

	it('closes by itself when its timer runs out, on every device at once', async ({ server, openSynced }) => {
		const p = fx.practice.id;
		const [piet] = fx.participants;
		const [a] = await collectiveNotes(openSynced, fx, ['Eén']);
		const vote = voting(server, p);
		const watching = await openSynced(practiceDoc(p), piet.token);
		const { body } = await vote.open(fx.facilitator, { dots: 2, minutes: 0.05 });
		expect(body).toMatchObject({ dots: 2, perNote: 2, endsAt: expect.any(String) });
		await expect.poll(() => shown(watching.doc)?.endsAt, { message: 'the timer everyone counts down from' }).toBe(Date.parse((body as { endsAt: string }).endsAt));
		await vote.place(piet, a);
		await expect.poll(() => shown(watching.doc)?.closedAt ?? null, { message: 'closed by the timer', timeout: 15000 }).not.toBeNull();
		expect(shown(watching.doc)!.closedAt!).toBeGreaterThanOrEqual(shown(watching.doc)!.endsAt!);
		expect(shown(watching.doc)!.result).toEqual([{ noteId: a, total: 1 }]);
		await expect(vote.place(piet, a)).rejects.toMatchObject({ code: 'no-vote' });
	});
});

describe('a dot vote across a restart', () => {
	it('keeps the dots and closes when its timer runs out, also when the server restarted meanwhile', async ({ server, scope, practice }) => {
		const fx = await practice({ participants: 1 });
		const p = fx.practice.id;
		const [piet] = fx.participants;
		const collective = scope.connect(server.wsUrl, collectiveDoc(p, board), fx.facilitator.token);
		await collective.saved();
		const a = createNote(collective.doc, { createdBy: fx.facilitator.member.id, at: Date.now(), text: 'Blijft staan' });
		await collective.saved();
		collective.destroy();
		await voting(server, p).open(fx.facilitator, { dots: 2, minutes: 0.1 });
		await voting(server, p).place(piet, a);
		await server.stop();

		const again = await scope.startServer({ dataDir: server.dataDir });
		// Still open, with Piet's dot; then the restored timer closes it.
		expect((await voting(again, p).mine(piet)).body).toMatchObject({ left: 1, mine: { [a]: 1 } });
		const watching = scope.connect(again.wsUrl, practiceDoc(p), piet.token);
		await watching.saved();
		await expect.poll(() => shown(watching.doc)?.result ?? null, { message: 'closed by the restored timer', timeout: 15000 }).toEqual([{ noteId: a, total: 1 }]);
	});
});

describe.skipIf(!postgresAvailable || REDIS_URL === 'off')('a dot vote on two instances sharing PostgreSQL and Redis', () => {
	it('holds the limits for dots placed on both, counts who is done, and closes once from either', async ({ scope, connect }) => {
		// The extension's store lock may be taken by the other instance: it says so on console.error.
		vi.spyOn(console, 'error').mockImplementation(() => {});
		await checkRedis(REDIS_URL);
		const db = await scope.database();
		const redis = { url: REDIS_URL, prefix: `zwerm-test-${randomBytes(6).toString('hex')}` };
		const one = await scope.startServer({ storage: () => PostgresStorage.open(db.url), redis });
		const two = await scope.startServer({ storage: () => PostgresStorage.open(db.url), redis });
		const fx = await setUpPractice(one.zwerm.practices, { participants: 2 });
		const p = fx.practice.id;
		const [piet, kim] = fx.participants;
		const collective = connect(one.wsUrl, collectiveDoc(p, board), fx.facilitator.token);
		await collective.saved();
		const notes = ['Een', 'Twee', 'Drie'].map((text, i) => createNote(collective.doc, { createdBy: fx.facilitator.member.id, at: Date.now() + i, text }));
		await collective.saved();
		const onOne = voting(one, p);
		const onTwo = voting(two, p);
		const watchOne = connect(one.wsUrl, practiceDoc(p), kim.token);
		const watchTwo = connect(two.wsUrl, practiceDoc(p), piet.token);
		await Promise.all([watchOne.saved(), watchTwo.saved()]);

		await onOne.open(fx.facilitator, { dots: 3, perNote: 1 });
		await expect(onTwo.open(fx.facilitator, { dots: 3 })).rejects.toMatchObject({ code: 'vote-running' });
		// Piet places through both instances at once, more than he may: exactly three go through, one per note.
		await expect.poll(async () => (await onTwo.mine(piet).catch(() => null))?.body, { message: 'instance two sees the vote' }).toBeTruthy();
		const burst = await Promise.allSettled(notes.flatMap((n) => [onOne.place(piet, n), onTwo.place(piet, n), onTwo.place(piet, n)]));
		expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
		expect((await onOne.mine(piet)).body).toMatchObject({ left: 0, mine: Object.fromEntries(notes.map((n) => [n, 1])) });
		// Kim on instance two, two dots.
		await onTwo.place(kim, notes[0]);
		await onTwo.place(kim, notes[1]);
		await expect.poll(() => shown(watchTwo.doc)?.done, { message: 'done count on instance two' }).toBe(1);
		await onTwo.place(kim, notes[2]);
		await expect.poll(() => shown(watchOne.doc)?.done, { message: 'done count on instance one' }).toBe(2);

		// Closed from the instance that does not run it; both see the one result, and there is one mark.
		const closed = await onTwo.close(fx.facilitator);
		const ranked = [...notes].sort().map((noteId) => ({ noteId, total: 2 }));
		expect(closed.body).toEqual({ result: ranked });
		for (const w of [watchOne, watchTwo]) await expect.poll(() => shown(w.doc)?.result, { message: 'the result everywhere' }).toEqual(ranked);
		await expect(onOne.close(fx.facilitator)).rejects.toMatchObject({ code: 'no-vote' });
		await expect(onOne.place(kim, notes[0])).rejects.toMatchObject({ code: 'no-vote' });
		await expect
			.poll(async () => (await two.zwerm.meetings.marksOfBoard(p, board)).filter((m) => m.kind === 'vote').length, { message: 'one mark' })
			.toBe(1);
		await watchOne.saved();
	});
});
