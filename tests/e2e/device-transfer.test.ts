import { describe, expect, it } from '../helpers/fixture.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createPracticeViaApi } from '../helpers/app.ts';
import { editorFocused } from '../helpers/browser.ts';
import { joinWith, violations } from '../helpers/board.ts';

/**
 * Moving to another device (docs/THREAT_MODEL.md, Identity): a one-time,
 * short-lived link that never switches a browser silently, and the end of
 * the permanent personal link.
 */
/** A page on another origin, as an attacker's site would be. */
let evil: Server;
let evilUrl: string;

it.beforeAll(async () => {
	evil = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const to = JSON.stringify(url.searchParams.get('to') ?? '');
		res.setHeader('content-type', 'text/html');
		// `navigate`: a top-level navigation to the link; `post`: a form that submits itself to it.
		if (url.pathname === '/navigate') res.end(`<script>location.href = ${to};</script>`);
		else res.end(`<form method="POST" action=${to}><input name="ok" value="1"></form><script>document.forms[0].submit();</script>`);
	});
	await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
	evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}`;
});

it.afterAll(async () => {
	await new Promise((resolve) => evil?.close(resolve));
});

const youAre = (page: Page) => page.getByText(/^Je bent hier als /).innerText();
/** On the overview (not waiting for `load`: a subresource can hold that back on a busy machine). */
async function onOverview(page: Page, practice: { links: { practice: string } }) {
	await page.waitForURL(practice.links.practice, { waitUntil: 'commit' });
	await page.getByText(/^Je bent hier als /).waitFor();
}
const sessionCookie = async (page: Page, practiceId: string) =>
	(await page.context().cookies()).find((c) => c.name === `zw_${practiceId}`)?.value;

/** The member asks for a link on the overview; answers the link and what the dialog says. */
async function askForLink(page: Page): Promise<{ link: string; says: string }> {
	await page.getByRole('button', { name: 'Op een ander apparaat verder' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByLabel('Link voor je andere apparaat').waitFor();
	return { link: await dialog.getByLabel('Link voor je andere apparaat').inputValue(), says: await dialog.innerText() };
}

describe('continuing on another device', () => {
	it('never switches a browser that holds another member’s session, unless asked there and confirmed', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Wissel', facilitatorName: 'Ann' });
		// Ann signs in with the link the API gave; opening it asks first.
		const ann = await newPage();
		await ann.page.goto(practice.links.facilitator);
		await expect.poll(() => ann.page.getByRole('heading', { level: 1 }).innerText()).toBe('Aanmelden als Ann');
		expect(await sessionCookie(ann.page, practice.id)).toBeUndefined();
		await ann.page.getByRole('button', { name: 'Doorgaan als Ann' }).click();
		await onOverview(ann.page, practice);
		expect(await youAre(ann.page)).toBe('Je bent hier als Ann (begeleider).');

		const bea = await joinWith(newPage, practice.links.participant, 'Bea');
		const beaSession = await sessionCookie(bea.page, practice.id);
		expect(beaSession).toBeTruthy();

		// Ann asks for a link: it says whom it signs in as, until when, and once.
		const { link, says } = await askForLink(ann.page);
		expect(link).toMatch(new RegExp(`^${app.url}/enter/[A-Za-z0-9_-]{43}$`));
		expect(says).toMatch(/Deze link meldt je aan als Ann — geldig tot \d\d:\d\d, één keer te gebruiken\./);
		await expect.poll(() => ann.page.getByRole('dialog').getByRole('img', { name: 'QR-code die aanmeldt als Ann' }).count()).toBe(1);
		// Closing the dialog hides the QR code.
		await ann.page.getByRole('dialog').getByRole('button', { name: 'Sluiten' }).click();
		await expect.poll(() => ann.page.locator('svg[shape-rendering="crispEdges"]').count()).toBe(0);

		// A page on another site navigates Bea's browser to Ann's link: it only asks.
		await bea.page.goto(`${evilUrl}/navigate?to=${encodeURIComponent(link)}`);
		await bea.page.waitForURL(link, { waitUntil: 'commit' });
		await expect.poll(() => bea.page.getByRole('heading', { level: 1 }).innerText()).toBe('Overschakelen naar Ann?');
		expect(await bea.page.locator('main').innerText()).toContain('Je bent op dit apparaat al aangemeld bij Wissel als Bea.');
		expect(await sessionCookie(bea.page, practice.id)).toBe(beaSession);

		// A page on another site posts the confirmation itself: refused.
		await bea.page.goto(`${evilUrl}/post?to=${encodeURIComponent(link)}`);
		await bea.page.waitForURL(link, { waitUntil: 'commit' });
		await expect.poll(() => bea.page.locator('body').innerText()).toMatch(/Cross-site POST form submissions are forbidden/);
		expect(await sessionCookie(bea.page, practice.id)).toBe(beaSession);

		// Bea still is Bea, and writes as Bea: Ann sees the note in Bea's lane.
		await bea.page.goto(practice.links.practice);
		expect(await youAre(bea.page)).toBe('Je bent hier als Bea (deelnemer).');
		await ann.page.goto(`${practice.links.practice}/b/intentie`);
		await bea.page.goto(`${practice.links.practice}/b/intentie`);
		await bea.page.locator('section.lane.mine').getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(bea.page);
		await bea.page.keyboard.type('Geschreven door Bea');
		await bea.page.keyboard.press('Escape');
		const beasLane = ann.page.locator('section.lane', { has: ann.page.getByRole('heading', { name: 'Notities van Bea' }) });
		await expect.poll(() => beasLane.locator('article.note', { hasText: 'Geschreven door Bea' }).count()).toBe(1);

		// The link was not used up by any of that: opened in Bea's browser and confirmed there, it switches.
		await bea.page.goto(link);
		await expect.poll(() => bea.page.getByRole('heading', { level: 1 }).innerText()).toBe('Overschakelen naar Ann?');
		// The safe choice is the first one.
		await bea.page.getByRole('link', { name: 'Blijf Bea' }).click();
		await onOverview(bea.page, practice);
		expect(await youAre(bea.page)).toBe('Je bent hier als Bea (deelnemer).');
		await bea.page.goto(link);
		await bea.page.getByRole('button', { name: 'Overschakelen naar Ann' }).click();
		await onOverview(bea.page, practice);
		expect(await youAre(bea.page)).toBe('Je bent hier als Ann (begeleider).');
		// A session of its own for that device; Ann's first browser keeps hers.
		const switched = await sessionCookie(bea.page, practice.id);
		expect(switched).not.toBe(beaSession);
		expect(switched).not.toBe(practice.facilitator.token);

		// Used once: a third browser gets nothing from it.
		const third = await newPage();
		await third.page.goto(link);
		await expect.poll(() => third.page.getByRole('heading', { level: 1 }).innerText()).toBe('Deze link werkt niet (meer)');
		expect(await third.page.getByRole('button', { name: /Doorgaan/ }).count()).toBe(0);
		expect(await sessionCookie(third.page, practice.id)).toBeUndefined();

		for (const p of [ann, bea, third]) {
			expect(p.errors).toEqual([]);
			await p.context.close();
		}
	});

	it('a new link ends the previous one, revoking ends it, and one’s own link leaves one as one is', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Intrekken', facilitatorName: 'Ann' });
		const olga = await joinWith(newPage, practice.links.observer, 'Olga');
		const first = (await askForLink(olga.page)).link;
		await olga.page.getByRole('dialog').getByRole('button', { name: 'Sluiten' }).click();
		const second = (await askForLink(olga.page)).link;
		expect(second).not.toBe(first);

		const phone = await newPage({ viewport: { width: 390, height: 844 } });
		await phone.page.goto(first);
		await expect.poll(() => phone.page.getByRole('heading', { level: 1 }).innerText()).toBe('Deze link werkt niet (meer)');

		// Opening one's own link where one is signed in already goes to the overview and leaves it usable.
		await olga.page.goto(second);
		await onOverview(olga.page, practice);
		await phone.page.goto(second);
		await expect.poll(() => phone.page.getByRole('heading', { level: 1 }).innerText()).toBe('Aanmelden als Olga');

		// Revoked before it is used: the phone's confirmation finds nothing.
		await askForLink(olga.page).then(async ({ link }) => {
			await olga.page.getByRole('dialog').getByRole('button', { name: 'Link intrekken' }).click();
			await expect.poll(() => olga.page.getByRole('dialog').innerText()).toContain('De link werkt niet meer.');
			await phone.page.goto(link);
		});
		await expect.poll(() => phone.page.getByRole('heading', { level: 1 }).innerText()).toBe('Deze link werkt niet (meer)');
		expect(await sessionCookie(phone.page, practice.id)).toBeUndefined();

		for (const p of [olga, phone]) {
			expect(p.errors).toEqual([]);
			await p.context.close();
		}
	});

	it('the old personal link with a session token in it signs no one in', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Oud', facilitatorName: 'Ann' });
		const stranger = await newPage();
		for (const old of [`${app.url}/p/${practice.id}/enter/${practice.facilitator.token}`, `${app.url}/enter/${practice.facilitator.token}`]) {
			await stranger.page.goto(old);
			expect(await sessionCookie(stranger.page, practice.id)).toBeUndefined();
			const confirm = stranger.page.getByRole('button', { name: /Doorgaan/ });
			expect(await confirm.count(), old).toBe(0);
		}
		const overview = await stranger.page.goto(practice.links.practice);
		expect(overview?.status()).toBe(403);
		await stranger.context.close();
	});
});

describe('a link that expired', () => {
	it('signs no one in', async ({ newPage, scope }) => {
		const short = await scope.startApp({ env: { ZWERM_DEVICE_CODE_TTL: '1' } });
		const practice = await createPracticeViaApi(short, { name: 'Verlopen', facilitatorName: 'Ann' });
		const asked = Date.now();
		const res = await fetch(`${short.url}/api/practices/${practice.id}/device-code`, {
			method: 'POST',
			headers: { authorization: `Bearer ${practice.facilitator.token}`, 'content-type': 'application/json' },
			body: '{}'
		});
		expect(res.status).toBe(201);
		const { link, expiresAt } = (await res.json()) as { link: string; expiresAt: string };
		expect(Date.parse(expiresAt)).toBeLessThanOrEqual(Date.now() + 1000);
		expect(Date.parse(expiresAt)).toBeGreaterThanOrEqual(asked + 1000);

		const phone = await newPage();
		await expect
			.poll(async () => {
				await phone.page.goto(link);
				return phone.page.getByRole('heading', { level: 1 }).innerText();
			})
			.toBe('Deze link werkt niet (meer)');
		// Confirming it as a same-origin form would: refused, no session.
		const confirm = await fetch(link, {
			method: 'POST',
			headers: { origin: short.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: '',
			redirect: 'manual'
		});
		expect(confirm.status).toBe(410);
		expect(confirm.headers.get('set-cookie')).toBeNull();
		expect(await sessionCookie(phone.page, practice.id)).toBeUndefined();
		await phone.context.close();
	});
});

describe('an invite link in a browser signed in to that practice', () => {
	it('says as whom first and offers to go on as that member; joining as a new member is a second, explicit choice', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Uitnodiging', facilitatorName: 'Ann' });
		const bea = await joinWith(newPage, practice.links.participant, 'Bea');
		const beaSession = await sessionCookie(bea.page, practice.id);

		// A page on another site sends Bea to the invite (a "board link" that is really an invite): it only asks.
		await bea.page.goto(`${evilUrl}/navigate?to=${encodeURIComponent(practice.links.participant)}`);
		await bea.page.waitForURL(practice.links.participant, { waitUntil: 'commit' });
		const main = bea.page.locator('main');
		await expect.poll(() => main.innerText()).toContain('Je bent op dit apparaat al aangemeld bij Uitnodiging als Bea.');
		expect(await main.innerText()).toContain('Als Bea ben je op dit apparaat dan afgemeld');
		expect(await sessionCookie(bea.page, practice.id)).toBe(beaSession);
		// Going on as Bea is the first choice, before the form.
		const choices = await main.locator('a.button, button').allInnerTexts();
		expect(choices).toEqual(['Verder als Bea', 'Meedoen als nieuw lid']);
		expect(await violations(bea.page), 'join page, signed in').toEqual([]);
		await bea.page.getByRole('link', { name: 'Verder als Bea' }).click();
		await onOverview(bea.page, practice);
		expect(await youAre(bea.page)).toBe('Je bent hier als Bea (deelnemer).');
		expect(await sessionCookie(bea.page, practice.id)).toBe(beaSession);

		// Joining as a new member stays possible, when chosen on the page.
		await bea.page.goto(practice.links.participant);
		await bea.page.getByLabel('Jouw naam').fill('Bea tweede');
		await bea.page.getByRole('button', { name: 'Meedoen als nieuw lid' }).click();
		await onOverview(bea.page, practice);
		expect(await youAre(bea.page)).toBe('Je bent hier als Bea tweede (deelnemer).');

		expect(bea.errors).toEqual([]);
		await bea.context.close();
	});
});
