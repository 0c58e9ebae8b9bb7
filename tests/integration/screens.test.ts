import { vi, type MockInstance } from 'vitest';
import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinViaForm, type RunningApp } from '../helpers/app.ts';
import { shortLinkFor } from '../helpers/screen.ts';
import { collectiveDoc, practiceDoc } from '#lib/domain/docnames.ts';
import type { BoardId } from '#lib/domain/ids.ts';
import { SCREEN_CODE_TTL_MS } from '#server/screens.ts';

/**
 * The room's screen (server/screens.ts): a short code pairs it once and
 * briefly; the session it gets reads the group's documents until a
 * facilitator ends it, or the facilitator who paired it is gone.
 * The HTTP part runs against the built app (`vite build` first).
 */
const board = 'intentie' as BoardId;
let serverErrors: MockInstance<typeof console.error>;

describe('pairing codes and screen sessions', () => {
	it.beforeEach(() => {
		serverErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
	});
	it.afterEach(() => {
		const logged = serverErrors.mock.calls.map((args) => args.map(String).join(' '));
		serverErrors.mockRestore();
		for (const line of logged) expect(line).toMatch(/^\[onAuthenticate\] (unauthorized|not-found|forbidden)/);
	});

	it('a code pairs one screen, once; typed in any case, with spaces', async ({ server, practice }) => {
		const fx = await practice();
		const screens = server.zwerm.screens;
		const offered = await screens.offer(fx.facilitator.member);
		expect(offered.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
		const typed = `${offered.code.slice(0, 3).toLowerCase()} ${offered.code.slice(3)}`;
		const paired = await screens.pair(typed);
		expect(paired?.screen).toMatchObject({ id: offered.screenId, practiceId: fx.practice.id, pairedBy: fx.facilitator.member.id });
		expect(await screens.pair(offered.code)).toBeNull();
		expect(await screens.session(fx.practice.id, paired!.token)).toMatchObject({ id: offered.screenId });
		expect((await screens.list(fx.practice.id)).map((s) => s.id)).toEqual([offered.screenId]);
		// A screen is no member: its token is no member session, and it is in no member list.
		expect(await server.zwerm.practices.sessionMember(fx.practice.id, paired!.token)).toBeNull();
		expect((await server.zwerm.practices.listMembers(fx.practice.id)).map((m) => m.id)).not.toContain(offered.screenId);
		// Not for another practice.
		const other = await practice({ name: 'Andere praktijk' });
		expect(await screens.session(other.practice.id, paired!.token)).toBeNull();
	});

	it('refuses wrong, malformed, expired and replaced codes', async ({ server, practice }) => {
		const fx = await practice();
		const screens = server.zwerm.screens;
		const t0 = Date.now();
		for (const wrong of ['', 'ABC', 'ABCDEFG', 'ABCDE0', '<script>', 'A'.repeat(200)]) expect(await screens.pair(wrong, t0)).toBeNull();
		const expiring = await screens.offer(fx.facilitator.member, t0);
		expect(expiring.expiresAt).toBe(t0 + SCREEN_CODE_TTL_MS);
		expect(await screens.pair(expiring.code, t0 + SCREEN_CODE_TTL_MS)).toBeNull();
		// A new code ends the facilitator's earlier one.
		const first = await screens.offer(fx.facilitator.member, t0);
		const second = await screens.offer(fx.facilitator.member, t0 + 1);
		expect(await screens.pair(first.code, t0 + 2)).toBeNull();
		expect(await screens.pair(second.code, SCREEN_CODE_TTL_MS - 1 + t0)).not.toBeNull();
		// Only a facilitator's code pairs a screen.
		const byParticipant = await screens.offer(fx.participants[0].member, t0);
		expect(await screens.pair(byParticipant.code, t0 + 1)).toBeNull();
	});

	it('ending a screen closes its connections, and it cannot come back', async ({ server, practice, watched, attempt }) => {
		const fx = await practice();
		const screens = server.zwerm.screens;
		const offered = await screens.offer(fx.facilitator.member);
		const { token } = (await screens.pair(offered.code))!;
		const reader = watched(collectiveDoc(fx.practice.id, board), token);
		await expect.poll(() => reader.log.scope).toBe('readonly');
		// Someone else's screen id ends nothing.
		expect(await screens.end(fx.practice.id, fx.participants[0].member.id)).toBe(false);
		expect(await screens.end(fx.practice.id, offered.screenId)).toBe(true);
		await expect.poll(() => reader.log.closed.length, { message: 'the screen to be disconnected' }).toBeGreaterThan(0);
		expect(await screens.session(fx.practice.id, token)).toBeNull();
		const again = await attempt(practiceDoc(fx.practice.id), token);
		expect(again.log.denied).toEqual(['unauthorized']);
	});

	it('a screen is nobody on the awareness: what it announces reaches no one, and it sees the members', async ({ server, practice, openSynced }) => {
		const fx = await practice({ participants: 1 });
		const screens = server.zwerm.screens;
		const { token } = (await screens.pair((await screens.offer(fx.facilitator.member)).code))!;
		const name = practiceDoc(fx.practice.id);
		const screen = await openSynced(name, token);
		const member = await openSynced(name, fx.participants[0].token);
		// The screen claims to be someone, with a view and a spotlight.
		screen.provider.awareness!.setLocalState({
			user: { memberId: fx.facilitator.member.id, name: 'Nep' },
			view: { boardId: board, x: 0, y: 0, width: 100, height: 100 },
			spotlight: null
		});
		member.provider.awareness!.setLocalState({ user: { memberId: fx.participants[0].member.id, name: 'ignored' } });
		// The member's state reaches the screen (so the screen's own had every chance to reach the member)…
		await expect
			.poll(() => [...screen.provider.awareness!.getStates().values()].some((s) => (s.user as { name?: string } | undefined)?.name === fx.participants[0].member.name))
			.toBe(true);
		// …and the member sees nobody but themselves.
		const others = [...member.provider.awareness!.getStates().entries()].filter(([id]) => id !== member.provider.awareness!.clientID);
		expect(others).toEqual([]);
	});

	it('a screen stops with its facilitator: made participant, or removed', async ({ server, practice, watched }) => {
		const fx = await practice({ participants: 1 });
		const screens = server.zwerm.screens;
		const { token } = (await screens.pair((await screens.offer(fx.facilitator.member)).code))!;
		const reader = watched(practiceDoc(fx.practice.id), token);
		await expect.poll(() => reader.log.scope).toBe('readonly');
		// A second facilitator keeps the practice going; the first becomes a participant.
		await server.zwerm.practices.changeMember(fx.practice.id, fx.participants[0].member.id, { role: 'facilitator' });
		await server.zwerm.practices.changeMember(fx.practice.id, fx.facilitator.member.id, { role: 'participant' });
		await expect.poll(() => reader.log.closed.length, { message: 'the screen to be disconnected' }).toBeGreaterThan(0);
		await expect.poll(() => reader.log.denied).toContain('unauthorized');
		expect(await screens.session(fx.practice.id, token)).toBeNull();
		expect(await screens.list(fx.practice.id)).toEqual([]);
	});
});

describe('over HTTP (the built app)', () => {
	/** The room's screen typing a code at /scherm. */
	const typeCode = (app: RunningApp, code: string) =>
		fetch(`${app.url}/scherm`, {
			method: 'POST',
			// As a browser's form post: the page answers, with the action's status.
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, accept: 'text/html' },
			body: `code=${encodeURIComponent(code)}`,
			redirect: 'manual'
		});
	const api = (app: RunningApp, path: string, init: RequestInit & { auth: Record<string, string> }) =>
		fetch(`${app.url}/api/practices/${path}`, {
			...init,
			headers: { ...init.auth, origin: app.url, 'content-type': 'application/json', ...(init.headers as Record<string, string>) }
		});

	it('facilitators ask for codes; the screen types one and is signed in as a screen, once', async ({ app }) => {
		const practice = await createPracticeViaApi(app, { name: 'Scherm', facilitatorName: 'Fenna' });
		const piet = await joinViaForm(app, practice.links.participant, 'Piet');
		const fenna = { authorization: `Bearer ${practice.facilitator.token}` };

		// Participants cannot put the practice on the screen.
		expect((await api(app, `${practice.id}/screens`, { method: 'POST', body: '{}', auth: { cookie: piet } })).status).toBe(403);
		const res = await api(app, `${practice.id}/screens`, { method: 'POST', body: '{}', auth: fenna });
		expect(res.status).toBe(201);
		const offered = (await res.json()) as { code: string; screen: string; pairAt: string };
		expect(offered.pairAt).toBe(`${app.url}/scherm`);

		// A wrong code: a clear sentence, nothing set.
		const wrong = await typeCode(app, offered.code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA');
		expect(wrong.status).toBe(400);
		expect(wrong.headers.get('set-cookie')).toBeNull();
		expect(await wrong.text()).toContain('Deze code klopt niet, is verlopen of is al gebruikt.');

		const right = await typeCode(app, offered.code);
		expect(right.status).toBe(303);
		expect(right.headers.get('location')).toBe(`/scherm/${practice.id}`);
		const cookie = right.headers.get('set-cookie')!;
		expect(cookie).toMatch(new RegExp(`^zws_${practice.id}=[A-Za-z0-9_-]{43};`));
		expect(cookie).toMatch(/HttpOnly/i);
		const screen = cookie.split(';')[0];

		// Used once.
		expect((await typeCode(app, offered.code)).status).toBe(400);

		// The screen page shows the participants' invite as its short link (and its QR), never the facilitator's or an
		// observer's link; not even the invite's own token, which only a phone that follows the short link gets.
		const short = shortLinkFor(practice.links.participant);
		const page = await (await fetch(`${app.url}/scherm/${practice.id}`, { headers: { cookie: screen } })).text();
		expect(page).toContain(short);
		expect(page).not.toContain(practice.links.participant.split('/join/')[1]);
		expect(page).not.toContain(practice.links.observer);
		expect(page).not.toContain(practice.facilitator.token);
		expect(page).toContain('<svg');
		// Without the cookie: not paired, no invite.
		const bare = await (await fetch(`${app.url}/scherm/${practice.id}`)).text();
		expect(bare).not.toContain(short);

		// The facilitator sees it and can end it.
		const listed = (await (await api(app, `${practice.id}/screens`, { method: 'GET', auth: fenna })).json()) as { screens: { id: string }[] };
		expect(listed.screens.map((s) => s.id)).toEqual([offered.screen]);
		expect((await api(app, `${practice.id}/screens/${offered.screen}`, { method: 'DELETE', auth: { cookie: piet } })).status).toBe(403);
		expect((await api(app, `${practice.id}/screens/${offered.screen}`, { method: 'DELETE', auth: fenna })).status).toBe(204);
		expect((await api(app, `${practice.id}/screens/${offered.screen}`, { method: 'DELETE', auth: fenna })).status).toBe(404);
		const after = await (await fetch(`${app.url}/scherm/${practice.id}`, { headers: { cookie: screen } })).text();
		expect(after).not.toContain(short);
	});

	it('HTTP endpoints that change things refuse a screen', async ({ app }) => {
		const practice = await createPracticeViaApi(app, { name: 'Alleen kijken', facilitatorName: 'Fenna' });
		const fenna = { authorization: `Bearer ${practice.facilitator.token}` };
		const offered = (await (await api(app, `${practice.id}/screens`, { method: 'POST', body: '{}', auth: fenna })).json()) as { code: string };
		const paired = await typeCode(app, offered.code);
		const cookie = paired.headers.get('set-cookie')!.split(';')[0];
		const token = cookie.split('=')[1];
		const p = practice.id;
		const attempts: [string, string, string?][] = [
			['POST', `${p}/screens`, '{}'],
			['POST', `${p}/device-code`, '{}'],
			['POST', `${p}/invites`, '{}'],
			['PATCH', `${p}/settings`, '{"defaultVisibility":"private"}'],
			['POST', `${p}/boards/${board}/activities/silent-round`, '{"minutes":5}'],
			['POST', `${p}/boards/${board}/activities/collection-window`, '{}'],
			['POST', `${p}/meetings`, '{"title":"x","date":"2026-12-06","agenda":[]}'],
			['POST', `${p}/snapshots`, '{"name":"x"}'],
			['POST', `${p}/leave`, '{"shared":"erase"}'],
			['PATCH', `${p}/members/${practice.facilitator.id}`, '{"role":"observer"}'],
			['DELETE', `${p}/members/${practice.facilitator.id}`],
			['GET', `${p}/export`],
			['GET', `${p}/boards/${board}/history`]
		];
		for (const auth of [{ cookie }, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
			for (const [method, path, body] of attempts) {
				const res = await api(app, path, { method, body, auth });
				expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
			}
		}
	});
});

describe('wrong codes spend the address’s failed sign-ins', () => {
	it('after the budget, even the right code waits', async ({ scope }) => {
		const app = await scope.startApp({ env: { ZWERM_AUTH_FAILURE_BURST: '3', ZWERM_AUTH_FAILURES_PER_MINUTE: '1' } });
		const practice = await createPracticeViaApi(app, { name: 'Raden', facilitatorName: 'Fenna' });
		const res = await fetch(`${app.url}/api/practices/${practice.id}/screens`, {
			method: 'POST',
			headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' },
			body: '{}'
		});
		const { code } = (await res.json()) as { code: string };
		const type = (value: string) =>
			fetch(`${app.url}/scherm`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, accept: 'text/html' },
				body: `code=${value}`,
				redirect: 'manual'
			});
		const wrong = code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
		for (let i = 0; i < 3; i++) expect((await type(wrong)).status).toBe(400);
		const refused = await type(code);
		expect(refused.status).toBe(429);
		expect(await refused.text()).toMatch(/Te veel verkeerde codes\. Probeer het over \d+ seconden opnieuw\./);
	});
});
