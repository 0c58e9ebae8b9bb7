import { describe, expect, it, synced } from '../helpers/fixture.ts';
import { joinViaForm, type RunningApp } from '../helpers/app.ts';
import { collabUrl } from '../helpers/board.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

// Same-origin, as a script on the server's own origin would send it (SvelteKit refuses cross-site form posts).
const post = (app: RunningApp, body: string, contentType = 'application/json') =>
	fetch(`${app.url}/api/practices`, { method: 'POST', headers: { 'content-type': contentType, origin: app.url }, body });

interface Created {
	id: PracticeId;
	facilitator: { id: MemberId; token: string };
	links: { practice: string; facilitator: string; participant: string; observer: string };
}

describe('POST /api/practices', () => {
	it('creates a practice and answers with working links', async ({ app }) => {
		const res = await post(app, JSON.stringify({ name: 'Leergemeenschap 7', facilitatorName: 'Docent 7', framework: 'paradoxen' }));
		expect(res.status).toBe(201);
		const body = (await res.json()) as Created & { framework: string };
		expect(body.framework).toBe('paradoxen');
		expect(body.links.participant).toMatch(new RegExp(`^${app.url}/join/[A-Za-z0-9_-]{43}$`));
		const joinPage = await fetch(body.links.participant);
		expect(await joinPage.text()).toContain('Leergemeenschap 7');
		// The facilitator's link holds no session token; opening it asks first and signs nobody in.
		expect(body.links.facilitator).toMatch(new RegExp(`^${app.url}/enter/[A-Za-z0-9_-]{43}$`));
		expect(body.links.facilitator).not.toContain(body.facilitator.token);
		const look = await fetch(body.links.facilitator, { redirect: 'manual' });
		expect(look.status).toBe(200);
		expect(look.headers.get('set-cookie')).toBeNull();
		expect(await look.text()).toContain('Doorgaan als Docent 7');
		// Confirming (a same-origin form post) signs the browser in, once.
		const confirm = () =>
			fetch(body.links.facilitator, {
				method: 'POST',
				// As a browser submits the form (without `accept: text/html` SvelteKit answers form actions in JSON).
				headers: { origin: app.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: '',
				redirect: 'manual'
			});
		const enter = await confirm();
		expect(enter.status).toBe(303);
		const cookie = enter.headers.get('set-cookie')!;
		expect(cookie).toMatch(new RegExp(`zw_${body.id}=.*HttpOnly`, 'i'));
		expect(cookie).toMatch(/SameSite=Lax/i);
		// A session of its own, not the facilitator's script token.
		expect(cookie).not.toContain(body.facilitator.token);
		const overview = await fetch(body.links.practice, { headers: { cookie: cookie.split(';')[0] } });
		expect(overview.status).toBe(200);
		const again = await confirm();
		expect(again.status).toBe(410);
		expect(again.headers.get('set-cookie')).toBeNull();
	});

	it('refuses malformed requests with a clear 4xx', async ({ app }) => {
		const cases: [Response, number, RegExp][] = [
			[await post(app, '{"name": "x",'), 400, /not valid JSON/],
			[await post(app, 'name=x', 'application/x-www-form-urlencoded'), 415, /JSON/],
			[await post(app, JSON.stringify({ facilitatorName: 'Fem' })), 400, /name/],
			[await post(app, JSON.stringify({ name: 'A', facilitatorName: 'Fem', admin: true })), 400, /admin/],
			[await post(app, JSON.stringify({ name: 'A', facilitatorName: 'Fem', framework: 'nope' })), 400, /framework/],
			[await post(app, JSON.stringify({ name: 'A'.repeat(121), facilitatorName: 'Fem' })), 400, /too-long/],
			[await post(app, JSON.stringify({ name: 'Nul\u0000byte', facilitatorName: 'Fem' })), 400, /name-invalid/],
			[await post(app, JSON.stringify({ name: 'A', facilitatorName: 'x'.repeat(80000) })), 413, /too large/]
		];
		for (const [res, status, message] of cases) {
			expect(res.status).toBe(status);
			expect(((await res.json()) as { message: string }).message).toMatch(message);
		}
	});
});

describe('GET /api/practices/:id/export', () => {
	it('gives the facilitator boards, lanes, notes as text and HTML, and citations', async ({ app, connect }) => {
		const created = (await (await post(app, JSON.stringify({ name: 'Export', facilitatorName: 'Fem' }))).json()) as Created;
		const board = 'intentie' as BoardId;
		const wsUrl = collabUrl(app);
		const lane = connect(wsUrl, laneDoc(created.id, board, created.facilitator.id), created.facilitator.token);
		const together = connect(wsUrl, collectiveDoc(created.id, board), created.facilitator.token);
		await Promise.all([synced(lane), synced(together)]);
		const mine = createNote(lane.doc, { createdBy: created.facilitator.id, at: 1, text: 'Mijn inzicht' });
		bringIn(together.doc, { doc: lane.doc, memberId: created.facilitator.id, noteId: mine }, { createdBy: created.facilitator.id, at: 2 });
		await Promise.all([lane.saved(), together.saved()]);
		lane.destroy();
		together.destroy();

		const res = await fetch(`${app.url}/api/practices/${created.id}/export`, {
			headers: { authorization: `Bearer ${created.facilitator.token}` }
		});
		expect(res.status).toBe(200);
		const body = (await res.json()) as {
			boards: { id: string; collective: { text: string; html: string; cites: { member: string; noteId: string }[] }[]; lanes: { member: string; notes: { id: string; text: string }[] }[] }[];
		};
		expect(body.boards.map((b) => b.id)).toEqual([
			'intentie', 'activiteit', 'normativiteit', 'context', 'space-en-place', 'actanten', 'outcome-waarde', 'doelen'
		]);
		const intentie = body.boards[0];
		expect(intentie.lanes[0]).toMatchObject({ member: 'Fem', notes: [{ id: mine, text: 'Mijn inzicht' }] });
		expect(intentie.collective[0]).toMatchObject({ text: 'Mijn inzicht', html: '<p>Mijn inzicht</p>', cites: [{ member: 'Fem', noteId: mine }] });
	});

	it('is refused to participants, strangers and wrong ids', async ({ app }) => {
		const created = (await (await post(app, JSON.stringify({ name: 'Geheim', facilitatorName: 'Fem' }))).json()) as Created;
		const other = (await (await post(app, JSON.stringify({ name: 'Ander', facilitatorName: 'Olga' }))).json()) as Created;
		const exportOf = (id: string, token?: string) =>
			fetch(`${app.url}/api/practices/${id}/export`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
		expect((await exportOf(created.id)).status).toBe(403);
		expect((await exportOf(created.id, other.facilitator.token)).status).toBe(403);
		expect((await exportOf(created.id, 'A'.repeat(43))).status).toBe(403);
		expect((await exportOf('nonexistent-id1')).status).toBe(404);
		expect((await exportOf('../../etc')).status).toBe(404);
		// A participant's session is not enough.
		const cookie = await joinViaForm(app, created.links.participant, 'Piet');
		const asParticipant = await fetch(`${app.url}/api/practices/${created.id}/export`, { headers: { cookie } });
		expect(asParticipant.status).toBe(403);
		// And the board page is closed to someone without a session.
		expect((await fetch(`${app.url}/p/${created.id}/b/intentie`)).status).toBe(403);
	});
});
