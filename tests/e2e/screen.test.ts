import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { askForCode, pairScreen, readQr, shortLinkFor } from '../helpers/screen.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { sessionToken, signIn } from '../helpers/browser.ts';
import { facilitatorTool, LAPTOP, PHONE, ROOM, collabUrl, joinWith, screenOptions, violations, writeNotes } from '../helpers/board.ts';
import { collectiveDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { readPractice } from '#lib/domain/practice.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

/**
 * The room's screen (server/screens.ts): a facilitator pairs it with a short
 * code from their own device; it shows how to join (a QR code that works on a
 * phone) and how many have, large and without controls; it is no member.
 */

/** Is the note with this text on the page's canvas, whole, inside the canvas' box? */
async function inView(page: Page, text: string): Promise<boolean> {
	const canvas = await page.locator('.canvas').boundingBox();
	const note = await page.locator('.note-frame', { hasText: text }).first().boundingBox();
	if (!canvas || !note) return false;
	return note.x >= canvas.x && note.y >= canvas.y && note.x + note.width <= canvas.x + canvas.width && note.y + note.height <= canvas.y + canvas.height;
}

/** A note's text as large as it shows on the screen: its computed font size times the canvas' scale (CSS px). */
const textPx = (page: Page, text: string) =>
	page.evaluate((text) => {
		const canvas = document.querySelector<HTMLElement>('.canvas')!;
		const frame = [...document.querySelectorAll<HTMLElement>('.note-frame')].find((f) => f.textContent?.includes(text));
		// The note's own text (not its state line under it).
		const paragraph = frame?.querySelector('.note-text p') ?? frame?.querySelector('.note-text');
		return paragraph ? parseFloat(getComputedStyle(paragraph).fontSize) * Number(canvas.dataset.scale) : 0;
	}, text);

const joined = (page: Page) => page.locator('[data-count]').getAttribute('data-count').then(Number);

describe('the room’s screen', () => {
	it('is paired by a one-time code, shows a QR code a phone joins by, and counts who joined', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord leert samen', facilitatorName: 'Fenna' });
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		const { code, address } = await askForCode(fenna.page);
		expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
		expect(address).toBe(`${new URL(app.url).host}/scherm`);

		const screen = await pairScreen(newPage, app.url, practice, code);
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Wijkteam Noord leert samen');
		// A screen, not a member: its own cookie, no member session.
		const cookies = (await screen.context.cookies()).map((c) => c.name);
		expect(cookies).toContain(`zws_${practice.id}`);
		expect(cookies).not.toContain(`zw_${practice.id}`);
		// The facilitator's dialog sees the code used.
		await expect.poll(() => fenna.page.getByRole('dialog').getByRole('status').innerText(), { timeout: 15000 }).toMatch(/^Het scherm is gekoppeld\./);

		// The QR code itself carries the participants' invite as its short link, and the link beside it says the same, large.
		await screen.page.getByRole('img', { name: 'QR-code om mee te doen met Wijkteam Noord leert samen' }).waitFor();
		const link = await readQr(screen.page);
		expect(link).toMatch(new RegExp(`^${app.url}/j/[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$`));
		expect(link).toBe(shortLinkFor(practice.links.participant));
		expect(await screen.page.locator('[data-join]').innerText()).toBe(link!.replace(/^https?:\/\//, ''));
		expect(await screen.page.locator('[data-join]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(48);
		await expect.poll(() => joined(screen.page)).toBe(1);
		// Nothing to press, no page chrome.
		expect(await screen.page.getByRole('button').count()).toBe(0);
		expect(await violations(screen.page)).toEqual([]);

		// A phone in the room scans it and lands on the invite; joins; the screen counts them at once.
		const phone = await newPage(screenOptions(PHONE));
		await phone.page.goto(link!);
		expect(phone.page.url()).toBe(practice.links.participant);
		await phone.page.getByLabel('Jouw naam').fill('Piet');
		await phone.page.getByRole('button', { name: 'Meedoen' }).tap();
		await phone.page.waitForURL(`${app.url}/p/${practice.id}`, { waitUntil: 'commit' });
		await expect.poll(() => phone.page.getByText(/^Je bent hier als /).innerText()).toBe('Je bent hier als Piet (deelnemer).');
		await expect.poll(() => joined(screen.page)).toBe(2);
		expect(await screen.page.locator('[data-count]').innerText()).toBe('2 mensen doen mee');

		// The facilitator unpairs it: the screen says so and shows nothing of the practice any more.
		await fenna.page.getByRole('dialog').getByRole('button', { name: /^Scherm loskoppelen/ }).click();
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Dit scherm is niet gekoppeld');
		expect(await screen.page.locator('.qr').count()).toBe(0);
		expect(screen.received.filter((m) => m.documentName.endsWith('/private'))).toEqual([]);
		for (const page of [fenna.page, screen.page, phone.page]) expect(page.isClosed()).toBe(false);
		expect([...fenna.errors, ...screen.errors, ...phone.errors]).toEqual([]);
	});

	it('follows its facilitator across two boards and to a note far off, large, and gets no private document', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Samen kijken', facilitatorName: 'Fenna' });
		const practiceId = practice.id as PracticeId;
		const fennaId = practice.facilitator.id as MemberId;
		const place = (x: number, y: number) => ({ x, y, kind: 'collective' as const });
		await writeNotes(scope, app, collectiveDoc(practiceId, 'intentie' as BoardId), practice.facilitator.token, [
			{ createdBy: fennaId, at: 1, text: 'Dichtbij op intentie', place: place(16, 16) },
			{ createdBy: fennaId, at: 2, text: 'Ver weg op intentie', place: place(2200, 1800) }
		]);
		await writeNotes(scope, app, collectiveDoc(practiceId, 'activiteit' as BoardId), practice.facilitator.token, [
			{ createdBy: fennaId, at: 3, text: 'Op activiteit', place: place(16, 16) }
		]);
		// Piet keeps a note private on the board the screen shows.
		const piet = await joinWith(newPage, practice.links.participant, 'Piet', screenOptions(PHONE));
		const pietToken = await sessionToken(piet.page, practice.id);
		const members = scope.connect(collabUrl(app), practiceDoc(practiceId), pietToken);
		await expect.poll(() => readPractice(members.doc).members.some((m) => m.name === 'Piet')).toBe(true);
		const pietId = readPractice(members.doc).members.find((m) => m.name === 'Piet')!.id;
		await writeNotes(scope, app, privateDoc(practiceId, 'intentie' as BoardId, pietId), pietToken, [
			{ createdBy: pietId, at: 4, text: 'Geheim van Piet', place: { x: 16, y: 16, kind: 'private' } }
		]);

		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		const { code } = await askForCode(fenna.page);
		const screen = await pairScreen(newPage, app.url, practice, code);
		await screen.page.locator('.qr svg').waitFor();
		await fenna.page.getByRole('dialog').getByRole('button', { name: 'Sluiten' }).click();

		// Fenna opens Intentie: the screen shows it, where she looks, with text readable from the back.
		await fenna.page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		await fenna.page.locator('.canvas').waitFor();
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Intentie');
		await expect.poll(() => inView(screen.page, 'Dichtbij op intentie')).toBe(true);
		expect(await inView(screen.page, 'Ver weg op intentie')).toBe(false);
		const px = await textPx(screen.page, 'Dichtbij op intentie');
		expect(px).toBeGreaterThanOrEqual(32);
		// Nothing to press on the wall.
		expect(await screen.page.getByRole('button').count()).toBe(0);
		expect(await violations(screen.page)).toEqual([]);

		// She finds the note far off: the screen goes with her.
		await fenna.page.getByRole('button', { name: 'Zoeken', exact: true }).click();
		await fenna.page.getByRole('searchbox').fill('Ver weg');
		await fenna.page.getByRole('searchbox').press('Enter');
		await expect.poll(() => inView(screen.page, 'Ver weg op intentie')).toBe(true);
		expect(await inView(screen.page, 'Dichtbij op intentie')).toBe(false);

		// Fenna moves to Activiteit, and the screen follows.
		await fenna.page.goto(`${app.url}/p/${practice.id}/b/activiteit`);
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Activiteit');
		await expect.poll(() => inView(screen.page, 'Op activiteit')).toBe(true);
		expect(await textPx(screen.page, 'Op activiteit')).toBeGreaterThanOrEqual(32);

		// Back on the overview she looks at no board: the screen shows how to join again.
		await fenna.page.goto(`${app.url}/p/${practice.id}`);
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Samen kijken');

		// The curious member's test, for the screen: it opened no private document and received none of one.
		expect(screen.received.length).toBeGreaterThan(0);
		expect(screen.received.filter((m) => m.documentName.includes('/private'))).toEqual([]);
		expect(screen.raw.some((bytes) => Buffer.from(bytes).includes('Geheim van Piet'))).toBe(false);
		expect(screen.raw.some((bytes) => Buffer.from(bytes).includes('Ver weg op intentie'))).toBe(true);
		expect([...fenna.errors, ...screen.errors]).toEqual([]);
	});

	it('follows whoever brings everyone to their board, and its facilitator again afterwards', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Presenteren', facilitatorName: 'Fenna' });
		const practiceId = practice.id as PracticeId;
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		const { code } = await askForCode(fenna.page);
		const screen = await pairScreen(newPage, app.url, practice, code);
		await screen.page.locator('.qr svg').waitFor();
		// Gert joins and Fenna makes him a facilitator too.
		const gert = await joinWith(newPage, practice.links.participant, 'Gert', screenOptions(LAPTOP));
		const members = scope.connect(collabUrl(app), practiceDoc(practiceId), practice.facilitator.token);
		await expect.poll(() => readPractice(members.doc).members.some((m) => m.name === 'Gert')).toBe(true);
		const gertId = readPractice(members.doc).members.find((m) => m.name === 'Gert')!.id;
		const promoted = await fetch(`${app.url}/api/practices/${practice.id}/members/${gertId}`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'facilitator' })
		});
		expect(promoted.status).toBe(200);

		await fenna.page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Intentie');
		// Gert brings everyone to Activiteit: the screen goes with him, though Fenna paired it.
		await gert.page.goto(`${app.url}/p/${practice.id}/b/activiteit`);
		await (await facilitatorTool(gert.page, 'Iedereen hierheen')).click();
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText(), { timeout: 20000 }).toBe('Activiteit');
		// Fenna is brought along too; she steps out (Escape) and goes her own way: the screen stays with Gert.
		await fenna.page.waitForURL(/\/b\/activiteit$/, { timeout: 20000 });
		await fenna.page.locator('.canvas').waitFor();
		await fenna.page.keyboard.press('Escape');
		await fenna.page.goto(`${app.url}/p/${practice.id}/b/doelen`);
		await fenna.page.locator('.canvas').waitFor();
		// Gert sees her on Leerdoelen: her view has gone out to everyone, the screen included.
		await expect.poll(() => gert.page.locator('.presence').getByRole('button', { name: /Fenna op Leerdoelen/ }).count(), { timeout: 20000 }).toBe(1);
		expect(await screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Activiteit');
		// It ends: the screen follows Fenna again (Gert stays on Activiteit).
		const ended = await fetch(`${app.url}/api/practices/${practice.id}/boards/activiteit/activities/presentation`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url }
		});
		expect(ended.ok).toBe(true);
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText(), { timeout: 20000 }).toBe('Leerdoelen');
		expect([...fenna.errors, ...screen.errors, ...gert.errors]).toEqual([]);
	});

	it('refuses a wrong code with a clear sentence', async ({ app, newPage }) => {
		const screen = await newPage(screenOptions(ROOM));
		await screen.page.goto(`${app.url}/scherm`);
		await screen.page.getByLabel('Code van de begeleider').fill('ABCDEF');
		await screen.page.getByRole('button', { name: 'Koppelen' }).click();
		await expect
			.poll(() => screen.page.getByRole('alert').innerText())
			.toBe('Deze code klopt niet, is verlopen of is al gebruikt. Vraag op je eigen apparaat een nieuwe code aan.');
		expect(screen.page.url()).toBe(`${app.url}/scherm`);
		expect(await violations(screen.page)).toEqual([]);
	});
});
