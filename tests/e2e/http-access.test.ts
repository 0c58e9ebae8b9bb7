import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinViaForm, type RunningApp } from '../helpers/app.ts';

/**
 * Every HTTP endpoint against every kind of caller: each denied case denied,
 * each allowed case allowed. Callers authenticate as browsers do (the session
 * cookie) or as scripts (a bearer token).
 */
const createPractice = (app: RunningApp, name: string) => createPracticeViaApi(app, { name, facilitatorName: `Begeleider ${name}` });

type Caller = { headers: Record<string, string> };

/** Pairs a room's screen for a practice as a facilitator and the screen would; returns the screen's cookie. */
async function screenCookie(app: RunningApp, practice: { id: string; facilitator: { token: string } }): Promise<string> {
	const res = await fetch(`${app.url}/api/practices/${practice.id}/screens`, {
		method: 'POST',
		headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' },
		body: '{}'
	});
	const { code } = (await res.json()) as { code: string };
	const paired = await fetch(`${app.url}/scherm`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, accept: 'text/html' },
		body: `code=${code}`,
		redirect: 'manual'
	});
	return paired.headers.get('set-cookie')!.split(';')[0];
}

describe('HTTP endpoints × callers', () => {
	it('allow exactly what each role may do', async ({ app }) => {
		const practice = await createPractice(app, 'Matrix');
		const other = await createPractice(app, 'Ander');
		const participantCookie = await joinViaForm(app, practice.links.participant, 'Piet');
		const observerCookie = await joinViaForm(app, practice.links.observer, 'Olga');
		const roomScreen = await screenCookie(app, practice);
		const callers: Record<string, Caller> = {
			facilitator: { headers: { authorization: `Bearer ${practice.facilitator.token}` } },
			participant: { headers: { cookie: participantCookie } },
			observer: { headers: { cookie: observerCookie } },
			// The room's screen is no member: no endpoint takes it (server/screens.ts).
			'room screen': { headers: { cookie: roomScreen } },
			'room screen (bearer)': { headers: { authorization: `Bearer ${roomScreen.split('=')[1]}` } },
			'other practice': { headers: { authorization: `Bearer ${other.facilitator.token}` } },
			'guessed token': { headers: { authorization: `Bearer ${'x'.repeat(43)}` } },
			nobody: { headers: {} }
		};
		const base = `/api/practices/${practice.id}`;
		// The practice's own framework as a file, unchanged: a harmless change.
		const frameworkFile = await (await fetch(`${app.url}/frameworks/lerende-praktijken.json`)).json();
		// Every endpoint with a harmless body; allowed callers get 2xx (or a 4xx that is not 401/403).
		// `answers`: what an allowed caller may get besides 2xx and 404 (a sharing round needs a revealed round with shared notes: 409).
		const endpoints: { name: string; method: string; path: string; body?: unknown; allowed: string[]; answers?: number[] }[] = [
			{ name: 'export', method: 'GET', path: `${base}/export`, allowed: ['facilitator'] },
			{ name: 'settings', method: 'PATCH', path: `${base}/settings`, body: { defaultVisibility: 'shared' }, allowed: ['facilitator'] },
			{ name: 'rename', method: 'PATCH', path: `${base}/members/${practice.facilitator.id}`, body: { name: 'Fenna' }, allowed: ['facilitator'] },
			{ name: 'remove', method: 'DELETE', path: `${base}/members/NoSuchMember0001`, allowed: ['facilitator'] },
			{ name: 'start round', method: 'POST', path: `${base}/boards/intentie/activities/silent-round`, body: { minutes: 60 }, allowed: ['facilitator'] },
			{ name: 'ready', method: 'POST', path: `${base}/boards/intentie/activities/silent-round/ready`, body: { ready: true }, allowed: ['facilitator', 'participant'] },
			{ name: 'reveal', method: 'DELETE', path: `${base}/boards/intentie/activities/silent-round`, allowed: ['facilitator'] },
			{ name: 'bring in anonymous', method: 'POST', path: `${base}/boards/intentie/anonymous/NoSuchNote00001/bring-in`, body: {}, allowed: ['facilitator', 'participant'] },
			{ name: 'renew invites', method: 'POST', path: `${base}/invites`, allowed: ['facilitator'] },
			{ name: 'timeline', method: 'GET', path: `${base}/boards/intentie/history`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'view', method: 'GET', path: `${base}/boards/intentie/history/view?seq=0`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'replay', method: 'GET', path: `${base}/boards/intentie/history/replay?from=0&to=0`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'compare', method: 'GET', path: `${base}/boards/intentie/history/compare?from=0&to=0`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'restore', method: 'POST', path: `${base}/boards/intentie/history/restore`, body: { seq: 0, name: 'terug' }, allowed: ['facilitator'] },
			{ name: 'meetings', method: 'GET', path: `${base}/meetings`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'start meeting', method: 'POST', path: `${base}/meetings`, body: { title: 'B1', date: '2026-11-22', agenda: ['intentie'] }, allowed: ['facilitator'] },
			{ name: 'marks', method: 'GET', path: `${base}/snapshots`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'snapshot', method: 'POST', path: `${base}/snapshots`, body: { name: 'nu' }, allowed: ['facilitator'] },
			{ name: 'report', method: 'GET', path: `${base}/report`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'board news', method: 'GET', path: `${base}/boards/intentie/news`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'seen board', method: 'POST', path: `${base}/boards/intentie/news`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'news', method: 'GET', path: `${base}/news`, allowed: ['facilitator', 'participant', 'observer'] },
			{
				name: 'open window',
				method: 'POST',
				path: `${base}/boards/intentie/activities/collection-window`,
				body: { deadline: new Date(Date.now() + 86_400_000).toISOString() },
				allowed: ['facilitator']
			},
			{ name: 'contributions', method: 'GET', path: `${base}/boards/intentie/activities/collection-window/contributions`, allowed: ['facilitator'] },
			{ name: 'close window', method: 'DELETE', path: `${base}/boards/intentie/activities/collection-window`, allowed: ['facilitator'] },
			{ name: 'open vote', method: 'POST', path: `${base}/boards/intentie/activities/vote`, body: { dots: 3 }, allowed: ['facilitator'] },
			{ name: 'my dots', method: 'GET', path: `${base}/boards/intentie/activities/vote/mine`, allowed: ['facilitator', 'participant'] },
			{ name: 'place dot', method: 'POST', path: `${base}/boards/intentie/activities/vote/place`, body: { noteId: 'NoSuchNote00001' }, allowed: ['facilitator', 'participant'] },
			{ name: 'close vote', method: 'DELETE', path: `${base}/boards/intentie/activities/vote`, allowed: ['facilitator'] },
			{ name: 'start sharing', method: 'POST', path: `${base}/boards/intentie/activities/sharing-round`, body: {}, allowed: ['facilitator'], answers: [409] },
			{ name: 'next step', method: 'POST', path: `${base}/boards/intentie/activities/sharing-round/next`, body: { from: 0 }, allowed: ['facilitator', 'participant'], answers: [409] },
			{ name: 'end sharing', method: 'DELETE', path: `${base}/boards/intentie/activities/sharing-round`, allowed: ['facilitator'], answers: [409] },
			{ name: 'device code', method: 'POST', path: `${base}/device-code`, body: {}, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'revoke device code', method: 'DELETE', path: `${base}/device-code`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'screen code', method: 'POST', path: `${base}/screens`, body: {}, allowed: ['facilitator'] },
			{ name: 'screens', method: 'GET', path: `${base}/screens`, allowed: ['facilitator'] },
			{ name: 'end screen', method: 'DELETE', path: `${base}/screens/NoSuchScreen0001`, allowed: ['facilitator'] },
			{ name: 'framework', method: 'GET', path: `${base}/framework`, allowed: ['facilitator', 'participant', 'observer'] },
			{ name: 'change framework', method: 'PUT', path: `${base}/framework`, body: frameworkFile, allowed: ['facilitator'] }
		];
		const table: string[] = [];
		for (const endpoint of endpoints) {
			for (const [who, caller] of Object.entries(callers)) {
				const res = await fetch(`${app.url}${endpoint.path}`, {
					method: endpoint.method,
					headers: { ...caller.headers, origin: app.url, 'content-type': 'application/json' },
					body: endpoint.body === undefined ? undefined : JSON.stringify(endpoint.body)
				});
				const allowed = endpoint.allowed.includes(who);
				const denied = res.status === 401 || res.status === 403;
				table.push(`${endpoint.name} as ${who}: ${res.status}`);
				expect(denied, `${endpoint.name} as ${who} answered ${res.status}`).toBe(!allowed);
				if (allowed) expect([200, 201, 204, 404, ...(endpoint.answers ?? [])], `${endpoint.name} as ${who}`).toContain(res.status);
			}
		}
		// The round started by the facilitator was revealed; the missing member and note were 404s, not 500s.
		expect(table).toContain('remove as facilitator: 404');
		expect(table).toContain('bring in anonymous as participant: 404');
		expect(table).toContain('start round as facilitator: 201');
		expect(table).toContain('reveal as facilitator: 200');
		expect(table).toContain('start meeting as facilitator: 201');
		expect(table).toContain('restore as facilitator: 201');
		expect(table).toContain('report as observer: 200');
		expect(table).toContain('open window as facilitator: 201');
		expect(table).toContain('contributions as facilitator: 200');
		// A vote: opened and closed by the facilitator; a dot on a note that does not exist is a 404 for members, refused for observers.
		expect(table).toContain('open vote as facilitator: 201');
		expect(table).toContain('my dots as participant: 200');
		expect(table).toContain('place dot as participant: 404');
		expect(table).toContain('place dot as observer: 403');
		expect(table).toContain('close vote as facilitator: 200');
		expect(table).toContain('start sharing as facilitator: 409');
		expect(table).toContain('start sharing as participant: 403');
		expect(table).toContain('next step as observer: 403');
		expect(table).toContain('device code as observer: 201');
		expect(table).toContain('revoke device code as participant: 204');
		expect(table).toContain('screen code as facilitator: 201');
		expect(table).toContain('end screen as facilitator: 404');
		expect(table).toContain('screens as room screen: 403');
		expect(table).toContain('change framework as facilitator: 200');
		expect(table).toContain('change framework as participant: 403');
		expect(table).toContain('change framework as observer: 403');
		expect(table).toContain('change framework as room screen: 403');
	});

	it('puts no sign-in link or QR code on the overview, for any role, until the member asks for one', async ({ app }) => {
		const practice = await createPractice(app, 'Beamer');
		const facilitatorCookie = `zw_${practice.id}=${practice.facilitator.token}`;
		const observerCookie = await joinViaForm(app, practice.links.observer, 'Olga');
		for (const [who, cookie] of [
			['facilitator', facilitatorCookie],
			['observer', observerCookie]
		]) {
			const overview = async () => {
				const res = await fetch(`${app.url}/p/${practice.id}`, { headers: { cookie } });
				expect(res.status, who).toBe(200);
				return res.text();
			};
			const token = decodeURIComponent(cookie.split('=')[1]);
			const before = await overview();
			expect(before.includes(token), `${who}: session token in the overview`).toBe(false);
			expect(before.match(/\/enter\/[\w-]+/)?.[0], `${who}: sign-in link in the overview`).toBeUndefined();
			// What the QR code library draws.
			expect(before.includes('shape-rendering="crispEdges"'), `${who}: QR code in the overview`).toBe(false);
			expect(before, who).toContain('Op een ander apparaat verder');
			// The explicit action: a one-time link, a QR code, and who it signs in as.
			const res = await fetch(`${app.url}/api/practices/${practice.id}/device-code`, {
				method: 'POST',
				headers: { cookie, origin: app.url, 'content-type': 'application/json' },
				body: '{}'
			});
			expect(res.status, who).toBe(201);
			const issued = (await res.json()) as { link: string; expiresAt: string; member: { name: string }; qr: string };
			expect(issued.link).toMatch(new RegExp(`^${app.url}/enter/[A-Za-z0-9_-]{43}$`));
			expect(issued.link).not.toContain(token);
			expect(issued.member.name).toBe(who === 'observer' ? 'Olga' : 'Begeleider Beamer');
			expect(issued.qr).toMatch(/^<svg/);
			const minutes = (Date.parse(issued.expiresAt) - Date.now()) / 60_000;
			expect(minutes).toBeGreaterThan(5);
			expect(minutes).toBeLessThanOrEqual(10);
			// Still nothing of it on the overview afterwards.
			const after = await overview();
			expect(after, who).not.toContain(issued.link.split('/enter/')[1]);
			expect(after, who).not.toContain(token);
		}
	});

	it('refuses ids that are not ids, and unknown boards', async ({ app }) => {
		const practice = await createPractice(app, 'Namen');
		const auth = { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' };
		for (const path of [
			`/api/practices/${practice.id}/boards/../activities/silent-round`,
			`/api/practices/${practice.id}/boards/onbekend/activities/silent-round`,
			`/api/practices/${practice.id}/boards/intentie/activities/onbekend`,
			`/api/practices/${practice.id}/boards/intentie/activities/silent-round/onbekend`,
			`/api/practices/${practice.id}/boards/intentie/activities/collection-window/contributions`,
			`/api/practices/${practice.id}/members/..%2F..%2Fetc`,
			`/api/practices/not-an-id/export`
		]) {
			const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify({ minutes: 1 }) });
			expect([404, 405], path).toContain(res.status);
		}
	});

	it('lets a member leave, after which their session opens nothing', async ({ app }) => {
		const practice = await createPractice(app, 'Vertrek');
		const cookie = await joinViaForm(app, practice.links.participant, 'Lotte');
		const leave = (body: unknown) =>
			fetch(`${app.url}/api/practices/${practice.id}/leave`, {
				method: 'POST',
				headers: { cookie, origin: app.url, 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		expect((await leave({ shared: 'everything' })).status).toBe(400);
		// A link to continue on another device, asked for before leaving, dies with the member.
		const asked = await fetch(`${app.url}/api/practices/${practice.id}/device-code`, {
			method: 'POST',
			headers: { cookie, origin: app.url, 'content-type': 'application/json' },
			body: '{}'
		});
		const { link } = (await asked.json()) as { link: string };
		expect(await (await fetch(link)).text()).toContain('Aanmelden als Lotte');
		const res = await leave({ shared: 'erase' });
		expect(res.status).toBe(200);
		expect(res.headers.get('set-cookie')).toMatch(new RegExp(`zw_${practice.id}=;`));
		expect((await fetch(`${app.url}/p/${practice.id}`, { headers: { cookie } })).status).toBe(403);
		expect((await leave({ shared: 'erase' })).status).toBe(403);
		expect(await (await fetch(link)).text()).toContain('Deze link werkt niet (meer)');
		const confirm = await fetch(link, {
			method: 'POST',
			headers: { origin: app.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: '',
			redirect: 'manual'
		});
		expect(confirm.status).toBe(410);
		expect(confirm.headers.get('set-cookie')).toBeNull();
	});
});
