import { describe, expect, it } from '../helpers/fixture.ts';
import type { RunningApp } from '../helpers/app.ts';

/**
 * Creating a practice needs no account, so each client address has a budget
 * (server/limits.ts, docs/DEPLOY.md): docs/API.md's scripted set-up of forty
 * practices at once fits in it, a stranger's loop does not.
 */
// Behind a proxy that names the client, so the test can be several clients on loopback.
it.override('appOptions', { env: { ZWERM_TRUST_PROXY: '1', ZWERM_PRACTICE_BURST: '', ZWERM_PRACTICES_PER_HOUR: '' } });

const create = (app: RunningApp, address: string, i: number) =>
	fetch(`${app.url}/api/practices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: app.url, 'x-forwarded-for': address },
		body: JSON.stringify({ name: `Leergemeenschap ${i}`, facilitatorName: `Docent ${i}` })
	});

describe('creating practices without an account', () => {
	it('allows forty at once, refuses a stranger who goes on with 429, a JSON message and Retry-After', async ({ app }) => {
		const script = '198.51.100.40';
		const forty = await Promise.all(Array.from({ length: 40 }, (_, i) => create(app, script, i)));
		expect(forty.map((r) => r.status)).toEqual(Array(40).fill(201));

		const stranger = '203.0.113.9';
		const statuses: number[] = [];
		let refused: Response | null = null;
		for (let i = 0; i < 200 && !refused; i++) {
			const res = await create(app, stranger, i);
			statuses.push(res.status);
			if (res.status === 429) refused = res;
			else await res.body?.cancel();
		}
		expect(refused, `statuses: ${statuses.join(',')}`).not.toBeNull();
		// The burst (60 by default), then no more.
		expect(statuses.filter((s) => s === 201).length).toBe(60);
		expect(refused!.headers.get('content-type')).toMatch(/application\/json/);
		expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
		const body = (await refused!.json()) as { message: string; code: string };
		expect(body.code).toBe('rate-limited');
		expect(body.message).toMatch(/try again in \d+ s/);

		// The start page's form says it in Dutch, also for the same address.
		const form = new FormData();
		form.set('name', 'Nog een');
		form.set('facilitatorName', 'Fem');
		const page = await fetch(`${app.url}/`, { method: 'POST', body: form, headers: { origin: app.url, accept: 'text/html', 'x-forwarded-for': stranger } });
		expect(page.status).toBe(429);
		expect(await page.text()).toContain('Er zijn vanaf dit adres te veel praktijken aangemaakt');

		// Someone else is not affected.
		expect((await create(app, '192.0.2.77', 1)).status).toBe(201);
	});
});
