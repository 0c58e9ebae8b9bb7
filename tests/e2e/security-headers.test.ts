import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { editorFocused, signIn } from '../helpers/browser.ts';
import { joinWith } from '../helpers/board.ts';

/** A Content-Security-Policy header as directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
	const directives = new Map<string, string[]>();
	for (const part of (header ?? '').split(';')) {
		const [name, ...sources] = part.trim().split(/\s+/);
		if (name) directives.set(name, sources);
	}
	return directives;
}

describe('security headers', () => {
	it('pages carry a nonce CSP that forbids framing, nosniff and strict-origin; the board runs under it without a violation', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Kopregels', facilitatorName: 'Fem' });
		const { context, page, errors } = await newPage();
		const violations: string[] = [];
		page.on('console', (message) => {
			if (/Content[ -]Security[ -]Policy/i.test(message.text())) violations.push(message.text());
		});
		await context.exposeFunction('reportViolation', (text: string) => violations.push(text));
		await context.addInitScript(() => {
			document.addEventListener('securitypolicyviolation', (e) => {
				(window as unknown as { reportViolation: (t: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
			});
		});

		// The sign-in link carries its code in its address: its answer must keep it from leaving as a Referer.
		const entered = await page.goto(practice.links.facilitator);
		expect(entered?.status()).toBeLessThan(400);
		expect(['same-origin', 'strict-origin', 'no-referrer']).toContain(entered!.headers()['referrer-policy']);
		await signIn(page, practice);
		const overview = await page.goto(practice.links.practice);
		const headers = overview!.headers();
		const csp = parseCsp(headers['content-security-policy']);
		expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
		expect(csp.get('script-src')?.[0]).toBe("'self'");
		expect(csp.get('script-src')?.some((s) => /^'nonce-[A-Za-z0-9+/=_-]+'$/.test(s))).toBe(true);
		expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
		expect(csp.get('object-src')).toEqual(["'none'"]);
		expect(headers['x-content-type-options']).toBe('nosniff');
		expect(headers['referrer-policy']).toBe('strict-origin');
		expect(headers['x-frame-options']).toBe('DENY');
		// Two loads, two nonces.
		const again = parseCsp((await fetch(practice.links.practice, { headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).headers.get('content-security-policy'));
		expect(again.get('script-src')).not.toEqual(csp.get('script-src'));

		// The board: live connection, Tiptap editing, the QR code on the overview, the service worker.
		await page.getByRole('link', { name: /Intentie/ }).click();
		await page.waitForURL(/\/b\/intentie$/);
		const collective = page.locator('section[data-lane-key="collective"]');
		await collective.getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(page);
		await page.keyboard.type('Onder een strikte CSP');
		await expect.poll(() => page.locator('article.note', { hasText: 'Onder een strikte CSP' }).count()).toBe(1);
		// Connected over the websocket and stored: the save status says so.
		await expect.poll(() => page.locator('p.status[data-status="connected"][data-unsynced="0"]').count()).toBe(1);
		await page.goBack();
		await page.waitForURL(/\/p\/[^/]+$/);
		await expect.poll(() => page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBeGreaterThan(0);

		// Joining posts a form: the referrer policy must leave the Origin header for SvelteKit's CSRF check.
		const piet = await joinWith(newPage, practice.links.participant, 'Piet');
		expect(piet.errors).toEqual([]);
		await piet.context.close();

		expect(violations).toEqual([]);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('API answers are nosniff and strict-origin too', async ({ app }) => {
		const res = await fetch(`${app.url}/api/practices`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: app.url },
			body: '{'
		});
		expect(res.status).toBe(400);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('referrer-policy')).toBe('strict-origin');
		const health = await fetch(`${app.url}/healthz`);
		expect(health.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
