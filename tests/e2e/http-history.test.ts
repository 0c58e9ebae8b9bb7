import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinViaForm } from '../helpers/app.ts';
import { collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, noteContent, setPlainText } from '#lib/domain/notes.ts';
import { changeVisibility } from '#lib/domain/visibility.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

/**
 * The timeline's endpoints show each viewer what they may see now: someone
 * else's private note never, an anonymous note without its author. Checked on
 * every answer a participant and an observer get: timeline, views at every
 * position, replay, compare, the report in Markdown and JSON.
 */
describe('history over HTTP', () => {
	it('never shows a private note, keeps anonymous notes anonymous, and reports the collective lane under its questions', async ({ app, connect }) => {
		const practice = await createPracticeViaApi(app, { name: 'Geschiedenis', facilitatorName: 'Fenna Facilitator' });
		const p = practice.id as PracticeId;
		const board = 'intentie' as BoardId;
		const fenna = practice.facilitator.id as MemberId;
		const token = practice.facilitator.token;
		const wsUrl = `${app.url.replace('http', 'ws')}/collab`;
		const participant = await joinViaForm(app, practice.links.participant, 'Piet');
		const observer = await joinViaForm(app, practice.links.observer, 'Olga');
		const asFacilitator = { authorization: `Bearer ${token}`, origin: app.url, 'content-type': 'application/json' };
		const api = `${app.url}/api/practices/${p}`;
		const post = async (path: string, body: unknown) => {
			const res = await fetch(`${api}${path}`, { method: 'POST', headers: asFacilitator, body: JSON.stringify(body) });
			expect(res.status, path).toBe(201);
			return res.json();
		};

		const lane = connect(wsUrl, laneDoc(p, board, fenna), token);
		const priv = connect(wsUrl, privateDoc(p, board, fenna), token);
		const collective = connect(wsUrl, collectiveDoc(p, board), token);
		await expect.poll(() => lane.provider.isSynced && priv.provider.isSynced && collective.provider.isSynced, { message: 'documents synced' }).toBe(true);

		const { meeting } = await post('/meetings', { title: 'Eerste bijeenkomst', date: '2026-11-22', agenda: [board] });
		const by = { createdBy: fenna, at: Date.now() };
		const shared = createNote(lane.doc, { ...by, text: 'GEHEIM-LATER-PRIVE' });
		createNote(lane.doc, { ...by, text: 'zichtbaar gedeeld' });
		const anon = createNote(priv.doc, { ...by, text: 'ANONIEME-GEDACHTE' });
		changeVisibility({ private: priv.doc, shared: lane.doc }, 'private', anon, 'anonymous', by);
		createNote(priv.doc, { ...by, text: 'ALTIJD-PRIVE' });
		const together = createNote(collective.doc, { ...by, text: 'Samen leren we' });
		await Promise.all([lane.saved(), priv.saved(), collective.saved()]);
		bringIn(collective.doc, { doc: lane.doc, memberId: fenna, noteId: shared }, { ...by, into: together });
		setPlainText(noteContent(collective.doc, together), 'Samen leren we van de wijk');
		await collective.saved();
		// Later the shared note becomes private: from now on it was never there, for anyone else.
		changeVisibility({ private: priv.doc, shared: lane.doc }, 'shared', shared, 'private', by);
		await Promise.all([lane.saved(), priv.saved()]);
		// The server mirrors anonymous notes after a short delay.
		await expect
			.poll(async () => {
				const timeline = await fetch(`${api}/boards/${board}/history`, { headers: asFacilitator }).then((r) => r.json());
				return (timeline.entries as { lane: string }[]).some((e) => e.lane === 'anonymous');
			})
			.toBe(true);
		expect((await fetch(`${api}/meetings/${meeting.id}/end`, { method: 'POST', headers: asFacilitator })).status).toBe(200);
		const ended = await fetch(`${api}/meetings`, { headers: asFacilitator }).then((r) => r.json());
		expect(ended[0].endedAt).not.toBeNull();

		for (const [who, cookie] of [
			['participant', participant],
			['observer', observer]
		]) {
			const get = async (path: string) => {
				const res = await fetch(`${api}${path}`, { headers: { cookie } });
				expect(res.status, `${who} ${path}`).toBe(200);
				return res.text();
			};
			const answers: string[] = [];
			const timelineText = await get(`/boards/${board}/history`);
			answers.push(timelineText);
			const timeline = JSON.parse(timelineText) as { entries: { seq: number; lane: string; at: number | null; by: unknown }[]; head: number };
			expect(timeline.entries.length).toBeGreaterThan(3);
			expect(timeline.entries.every((e) => !e.lane.includes('private'))).toBe(true);
			for (const e of timeline.entries.filter((e) => e.lane === 'anonymous')) expect(e).toMatchObject({ at: null, by: 'anonymous' });
			// Edits over HTTP: the anonymous note's edits name nobody and carry no time.
			const { edits } = JSON.parse(timelineText) as { edits: { lane: string; at: number | null; by: unknown; excerpt: string }[] };
			const anonymousEdits = edits.filter((e) => e.excerpt.includes('ANONIEME-GEDACHTE'));
			expect(anonymousEdits.length).toBeGreaterThan(0);
			for (const e of anonymousEdits) {
				expect(e).toMatchObject({ lane: 'anonymous', at: null, by: 'anonymous' });
				expect(JSON.stringify(e)).not.toContain(fenna);
			}
			for (const e of timeline.entries) answers.push(await get(`/boards/${board}/history/view?seq=${e.seq}`));
			answers.push(await get(`/boards/${board}/history/replay?from=0&to=${timeline.head}`));
			answers.push(await get(`/boards/${board}/history/compare?from=0&to=${timeline.head}`));
			const markdown = await get(`/report?meeting=${meeting.id}&format=md`);
			answers.push(markdown, await get(`/report?format=json`));

			for (const answer of answers) {
				expect(answer).not.toContain('GEHEIM-LATER-PRIVE');
				expect(answer).not.toContain('ALTIJD-PRIVE');
			}
			// The anonymous note is there, and nothing that carries it names its author.
			const carriers = answers.filter((a) => a.startsWith('{')).flatMap((a) => objectsWithText(JSON.parse(a), 'ANONIEME-GEDACHTE'));
			expect(carriers.length).toBeGreaterThan(0);
			for (const note of carriers) {
				expect(note).toMatchObject({ lane: 'anonymous', createdBy: null, createdAt: null });
				expect(JSON.stringify(note)).not.toContain(fenna);
			}
			// The report: the board's dialogue questions as headings, the collective lane's text, what changed.
			expect(markdown).toMatch(/^## Eerste bijeenkomst/m);
			expect(markdown).toMatch(/^### Intentie$/m);
			expect(markdown).toMatch(/^- _Wat is de bedoeling .+_$/m);
			expect(markdown).toContain('Samen leren we van de wijk');
			expect(markdown).not.toContain('zichtbaar gedeeld');
		}

		// The print page renders the same report for the browser.
		const page = await fetch(`${app.url}/p/${p}/report?meeting=${meeting.id}`, { headers: { cookie: participant } });
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('Samen leren we van de wijk');
		expect(html).not.toContain('ALTIJD-PRIVE');

		// Bad input gets a clear 4xx.
		const bad = await fetch(`${api}/boards/${board}/history/view?seq=-1`, { headers: { cookie: participant } });
		expect(bad.status).toBe(400);
		expect((await fetch(`${api}/report?meeting=NoSuchMeeting1`, { headers: { cookie: participant } })).status).toBe(404);
		expect((await fetch(`${api}/boards/${board}/history/restore`, { method: 'POST', headers: { cookie: participant, origin: app.url, 'content-type': 'application/json' }, body: '{"seq":0,"name":"x"}' })).status).toBe(403);
	});
});

/** Every note (an object with a lane) in a JSON value whose `text` is `text`. */
function objectsWithText(value: unknown, text: string): Record<string, unknown>[] {
	if (Array.isArray(value)) return value.flatMap((v) => objectsWithText(v, text));
	if (value && typeof value === 'object') {
		const obj = value as Record<string, unknown>;
		const own = obj.text === text && 'lane' in obj ? [obj] : [];
		return [...own, ...Object.values(obj).flatMap((v) => objectsWithText(v, text))];
	}
	return [];
}
