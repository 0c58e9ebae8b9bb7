import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { createPracticeViaApi, joinedMember } from '../helpers/app.ts';
import { anonymousDoc, collectiveDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, deleteNote, listNotes, notesMap } from '#lib/domain/notes.ts';
import { setAnonymous, dayOf } from '#lib/domain/visibility.ts';
import { readWindow } from '#lib/domain/windows.ts';
import type { BoardId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import { readPractice } from '#lib/domain/practice.ts';
import type { Session } from '#server/practices.ts';

/**
 * A collection window: the facilitator opens a board for contributions until
 * a deadline; everyone sees it in the practice document; the facilitator may
 * see per member how many notes they contributed — counts, never content.
 */
const board = 'actanten' as BoardId;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('counting contributions (the server module)', () => {
	let fx: PracticeFixture;

	it.beforeEach(async ({ server, practice }) => {
		server.zwerm.mirror.mirrorDelayMs = 20;
		fx = await practice({ participants: 2 });
	});

	it('counts shared, private, anonymous and collective notes: one number per member, nothing else', async ({ server, openSynced }) => {
		const p = fx.practice.id;
		const [piet, kim] = fx.participants;
		const now = Date.now();
		// Opened two days ago (09:00 UTC), open until the day after tomorrow.
		const opensAt = dayOf(now) - 2 * DAY + 9 * HOUR;
		const { window } = await server.zwerm.activities.windows.open(p, board, { deadline: now + 2 * DAY }, opensAt);
		expect(window).toEqual({ question: null, opensAt, deadline: now + 2 * DAY, closedAt: null });

		const note = (c: TestClient, by: Session, at: number, text: string) => createNote(c.doc, { createdBy: by.member.id, at, text });
		const pietLane = await openSynced(laneDoc(p, board, piet.member.id), piet.token);
		const pietPrivate = await openSynced(privateDoc(p, board, piet.member.id), piet.token);
		const kimCollective = await openSynced(collectiveDoc(p, board), kim.token);
		const pietCollective = await openSynced(collectiveDoc(p, board), piet.token);
		note(pietLane, piet, opensAt - HOUR, 'gedeeld, voor het openen');
		note(pietLane, piet, opensAt + HOUR, 'gedeeld tijdens');
		note(pietPrivate, piet, opensAt + 2 * HOUR, 'privé tijdens');
		const anonymous = note(pietPrivate, piet, opensAt + DAY, 'anoniem tijdens');
		setAnonymous(pietPrivate.doc, anonymous, true);
		note(pietPrivate, piet, now, 'privé vandaag');
		note(kimCollective, kim, opensAt + 3 * HOUR, 'samen, van Kim');
		note(pietCollective, piet, opensAt + 4 * HOUR, 'samen, van Piet');
		await Promise.all([pietLane, pietPrivate, kimCollective, pietCollective].map((c) => c.saved()));
		await expect.poll(() => listNotes(pietCollective.doc).length === 2, { message: 'both collective notes' }).toBe(true);
		const anonymousLane = await openSynced(anonymousDoc(p, board), fx.observer.token);
		await expect.poll(() => listNotes(anonymousLane.doc).length === 1, { message: 'the anonymous note mirrored' }).toBe(true);

		const counts = async (at: number) => {
			const { members } = await server.zwerm.activities.windows.contributions(p, board, at);
			return Object.fromEntries(members.map((m) => [m.id, m.count]));
		};
		// Piet: 1 shared + 2 private/anonymous of past days + 1 collective; today's private note waits for tomorrow.
		// The observer has no lane and is not listed.
		expect(await counts(now)).toEqual({ [fx.facilitator.member.id]: 0, [piet.member.id]: 4, [kim.member.id]: 1 });

		// Nothing in the answer but member ids and numbers: no text, no note ids.
		const answer = JSON.stringify(await server.zwerm.activities.windows.contributions(p, board, now));
		for (const text of ['gedeeld', 'privé', 'anoniem', 'samen']) expect(answer).not.toContain(text);
		for (const c of [pietLane, pietPrivate, kimCollective, anonymousLane]) {
			for (const id of notesMap(c.doc).keys()) expect(answer).not.toContain(id);
		}

		// Within a day, neither a flag nor a deletion in the private document moves the count:
		// it would point at the anonymous note that changes or disappears at that moment.
		setAnonymous(pietPrivate.doc, anonymous, false);
		deleteNote(pietPrivate.doc, anonymous as NoteId);
		await pietPrivate.saved();
		await expect.poll(() => listNotes(anonymousLane.doc).length === 0, { message: 'the anonymous note gone' }).toBe(true);
		expect((await counts(now))[piet.member.id]).toBe(4);

		// A new shared note counts at once (it carries Piet's name anyway).
		note(pietLane, piet, now, 'gedeeld vandaag');
		await pietLane.saved();
		expect((await counts(now))[piet.member.id]).toBe(5);

		// The next day: today's private note counts, the deleted one no longer does.
		// Piet: 2 shared + 2 private + 1 collective.
		expect(await counts(now + DAY)).toEqual({ [fx.facilitator.member.id]: 0, [piet.member.id]: 5, [kim.member.id]: 1 });
	});

	it('counts from when the window opened until it closed; changing it keeps its start', async ({ server, openSynced }) => {
		const p = fx.practice.id;
		const [piet] = fx.participants;
		const opensAt = Date.now() - HOUR;
		await server.zwerm.activities.windows.open(p, board, { deadline: opensAt + DAY }, opensAt);
		const changed = await server.zwerm.activities.windows.open(p, board, { deadline: opensAt + 2 * DAY, question: '  Wie helpt ons?  ' }, opensAt + 1000);
		expect(changed).toEqual({ opened: false, window: { question: 'Wie helpt ons?', opensAt, deadline: opensAt + 2 * DAY, closedAt: null } });
		const lane = await openSynced(laneDoc(p, board, piet.member.id), piet.token);
		createNote(lane.doc, { createdBy: piet.member.id, at: opensAt + 10, text: 'op tijd' });
		createNote(lane.doc, { createdBy: piet.member.id, at: opensAt + 30 * 60_000, text: 'na het sluiten' });
		await lane.saved();
		const closed = await server.zwerm.activities.windows.close(p, board, opensAt + 20 * 60_000);
		expect(closed?.closedAt).toBe(opensAt + 20 * 60_000);
		const { members } = await server.zwerm.activities.windows.contributions(p, board);
		expect(members.find((m) => m.id === piet.member.id)?.count).toBe(1);
		// A board that never had a window has nothing to count.
		await expect(server.zwerm.activities.windows.contributions(p, 'intentie' as BoardId)).rejects.toMatchObject({ code: 'not-found' });
	});
});

describe('collection windows over HTTP (the built app)', () => {

	it('lets only facilitators open, change, close and count; members see the window live', async ({ app, connect }) => {
		const practice = await createPracticeViaApi(app, { name: 'Verzamelen', facilitatorName: 'Fenna' });
		const piet = await joinedMember(app, practice.links.participant, 'Piet');
		const olga = await joinedMember(app, practice.links.observer, 'Olga');
		const base = `${app.url}/api/practices/${practice.id}/boards/${board}/activities/collection-window`;
		const as = (headers: Record<string, string>) => (method: string, path = '', body?: unknown) =>
			fetch(`${base}${path}`, {
				method,
				headers: { ...headers, origin: app.url, 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body)
			});
		const fenna = as({ authorization: `Bearer ${practice.facilitator.token}` });
		const participant = as({ cookie: piet.cookie });
		const observer = as({ cookie: olga.cookie });
		const deadline = Date.now() + 3 * DAY;

		// Piet watches the practice document.
		const wsUrl = `${app.url.replace('http', 'ws')}/collab`;
		const practiceId = practice.id as PracticeId;
		const watching = connect(wsUrl, practiceDoc(practiceId), piet.token);
		await expect.poll(() => watching.provider.isSynced, { message: 'practice document synced' }).toBe(true);

		for (const call of [participant, observer]) {
			const res = await call('POST', '', { deadline });
			expect(res.status).toBe(403);
			expect(await res.json()).toMatchObject({ code: 'forbidden' });
			expect((await call('GET', '/contributions')).status).toBe(403);
			expect((await call('DELETE')).status).toBe(403);
		}
		expect(readWindow(watching.doc, board)).toBeNull();

		// Bad input: a deadline in the past, not a time, too far ahead, unknown fields, a question too long.
		for (const body of [
			{ deadline: Date.now() - 1000 },
			{ deadline: 'volgende week' },
			{ deadline: '2026-12-03T17:00' },
			{ deadline: Date.now() + 400 * DAY },
			{ deadline, extra: true },
			{ deadline, question: 'x'.repeat(501) },
			{}
		]) {
			const res = await fenna('POST', '', body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(await res.json()).toMatchObject({ code: 'invalid-request' });
		}
		// Nothing to count before a window was ever opened.
		expect((await fenna('GET', '/contributions')).status).toBe(404);

		const opened = await fenna('POST', '', { deadline, question: 'Wie of wat heeft ons geholpen?' });
		expect(opened.status).toBe(201);
		const body = (await opened.json()) as { opensAt: string; deadline: string; question: string; closedAt: null };
		expect(body).toMatchObject({ question: 'Wie of wat heeft ons geholpen?', deadline: new Date(deadline).toISOString(), closedAt: null });
		await expect.poll(() => readWindow(watching.doc, board)?.question === 'Wie of wat heeft ons geholpen?', { message: 'the window in the practice document' }).toBe(true);
		expect(readWindow(watching.doc, board)).toEqual({
			question: 'Wie of wat heeft ons geholpen?',
			opensAt: Date.parse(body.opensAt),
			deadline,
			closedAt: null
		});

		// Changing it (an ISO deadline, the default question): 200, same start.
		const later = new Date(deadline + DAY).toISOString();
		const changed = await fenna('POST', '', { deadline: later });
		expect(changed.status).toBe(200);
		expect(await changed.json()).toMatchObject({ opensAt: body.opensAt, deadline: later, question: null });
		await expect.poll(() => readWindow(watching.doc, board)?.question === null, { message: 'the change in the practice document' }).toBe(true);

		// Piet writes a shared note; the facilitator sees counts only.
		const pietId = readPractice(watching.doc).members.find((m) => m.name === 'Piet')!.id;
		const lane = connect(wsUrl, laneDoc(practiceId, board, pietId), piet.token);
		await expect.poll(() => lane.provider.isSynced, { message: 'lane synced' }).toBe(true);
		createNote(lane.doc, { createdBy: pietId, at: Date.now(), text: 'De bibliotheek hielp' });
		await lane.saved();
		lane.destroy();
		const counted = await fenna('GET', '/contributions');
		expect(counted.status).toBe(200);
		const text = await counted.text();
		expect(text).not.toContain('bibliotheek');
		const { members } = JSON.parse(text) as { members: { id: string; count: number }[] };
		expect(members.map((m) => m.count)).toEqual([0, 1]);
		expect(members[0].id).toBe(practice.facilitator.id);
		expect(Object.keys(members[1]).sort()).toEqual(['count', 'id']);

		const closed = await fenna('DELETE');
		expect(closed.status).toBe(204);
		await expect.poll(() => readWindow(watching.doc, board)?.closedAt != null, { message: 'the window closed in the practice document' }).toBe(true);
		// Closing again is harmless; an unknown board is not found.
		expect((await fenna('DELETE')).status).toBe(204);
		const unknown = await fetch(`${app.url}/api/practices/${practice.id}/boards/onbekend/activities/collection-window`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url }
		});
		expect(unknown.status).toBe(404);
	});
});
