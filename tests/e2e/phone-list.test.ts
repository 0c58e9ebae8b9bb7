import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { createPracticeViaApi, type RunningApp } from '../helpers/app.ts';
import { editorFocused, joinOn, sessionToken } from '../helpers/browser.ts';
import type { Scope } from '../helpers/scope.ts';
import { BOARD, collabUrl, joinWith, PHONE, screenOptions, writeNotes } from '../helpers/board.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';

/** A phone as these tests hold it: touch, at one device pixel per CSS pixel. */
const PHONE_CONTEXT = { ...screenOptions(PHONE), deviceScaleFactor: 1 };

/** Writes notes over a real websocket as that member, and waits until the server has them (the client stays, as the member's). */
const seed = (scope: Scope, app: RunningApp, docName: string, token: string, by: MemberId, texts: string[]) =>
	writeNotes(scope, app, docName, token, texts.map((text, i) => ({ createdBy: by, at: Date.now(), text, x: (i % 5) / 4, y: Math.floor(i / 5) / 10 })), { keep: true });

/** Every visible button or field inside `selector` that is smaller than 44×44 CSS px. */
function smallTargets(page: Page, selector: string) {
	return page.evaluate((sel) => {
		const small: string[] = [];
		for (const el of document.querySelectorAll<HTMLElement>(`${sel} button, ${sel} select, ${sel} input`)) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || el.closest('[hidden]') || (el as HTMLInputElement).type === 'checkbox') continue;
			if (r.width < 44 || r.height < 44) small.push(`${el.textContent?.trim() || el.getAttribute('aria-label')} ${Math.round(r.width)}×${Math.round(r.height)}`);
		}
		return small;
	}, selector);
}

describe('a phone reads a big board as a list', () => {
	it('shows Samen first and empty lanes folded, edits in a full-screen sheet, and finds notes by text and person', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const anna = await joinWith(newPage, practice.links.participant, 'Anna');
		const bo = await joinWith(newPage, practice.links.participant, 'Bo');
		const cas = await joinWith(newPage, practice.links.participant, 'Cas');
		const memberList = async () =>
			((await fetch(`${app.url}/api/practices/${p}/export`, { headers: { authorization: `Bearer ${practice.facilitator.token}` } }).then((r) => r.json())) as {
				members: { id: MemberId; name: string }[];
			}).members;
		let members = await memberList();
		const id = (name: string) => members.find((m) => m.name === name)!.id;

		// 25 collective notes, 40 in Anna's lane, 40 in Bo's (one about the dike); Cas writes nothing.
		const numbered = (who: string, n: number) => Array.from({ length: n }, (_, i) => `${who} notitie ${i + 1} over de buurt`);
		await seed(scope, app, collectiveDoc(p, BOARD), practice.facilitator.token, id('Fenna'), numbered('Samen', 25));
		await seed(scope, app, laneDoc(p, BOARD, id('Anna')), await sessionToken(anna.page, p), id('Anna'), numbered('Anna', 40));
		const boTexts = numbered('Bo', 40);
		boTexts[33] = 'Fietsen langs de dijk met de bewoners';
		await seed(scope, app, laneDoc(p, BOARD, id('Bo')), await sessionToken(bo.page, p), id('Bo'), boTexts);
		await Promise.all([anna.context.close(), cas.context.close()]);

		// Dirk opens the board on a phone.
		const { page, errors } = await newPage(PHONE_CONTEXT);
		await joinOn(page, practice.links.participant, 'Dirk');
		members = await memberList();
		await page.goto(`${app.url}/p/${p}/b/${BOARD}`);

		// The list is the default on a narrow screen; Samen comes first.
		await expect.poll(() => page.getByRole('button', { name: 'Lijst' }).getAttribute('aria-pressed')).toBe('true');
		await expect.poll(() => page.locator('.lane-list article.note').count(), { timeout: 20000 }).toBe(105);
		const order = await page.locator('[data-list-lane]').evaluateAll((els) => els.map((e) => e.getAttribute('data-list-lane')));
		expect(order[0]).toBe('collective');
		const toggle = (key: string) => page.locator(`[data-list-lane="${key}"] h2 button`);
		expect(await toggle(id('Bo')).innerText()).toContain('40 notities');
		expect(await toggle(id('Bo')).getAttribute('aria-expanded')).toBe('true');
		// Empty lanes are folded, with their count.
		expect(await toggle(id('Cas')).getAttribute('aria-expanded')).toBe('false');
		expect(await toggle(id('Cas')).innerText()).toContain('0 notities');
		expect(await page.locator(`[data-list-lane="${id('Cas')}"] .body`).isHidden()).toBe(true);
		// One column: every card as wide as its lane, none beside another, nothing wider than the phone.
		const cards = await page.locator(`[data-list-lane="${id('Anna')}"] article.note`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
		expect(new Set(cards.map((r) => Math.round(r.left))).size).toBe(1);
		for (let i = 1; i < cards.length; i++) expect(cards[i].top).toBeGreaterThanOrEqual(cards[i - 1].bottom);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		expect(await smallTargets(page, '.lane-list')).toEqual([]);
		expect(await smallTargets(page, '.bar')).toEqual([]);

		// A new note of Dirk's opens in a sheet that fills the screen.
		await page.getByRole('button', { name: 'Notitie toevoegen aan Mijn notities' }).tap();
		const sheet = page.getByRole('dialog', { name: 'Notitie bewerken' });
		await sheet.waitFor();
		expect(await sheet.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
		await editorFocused(page);
		await page.keyboard.type('Geschreven op de telefoon');
		await sheet.getByRole('button', { name: 'Gereed' }).tap();
		await expect.poll(() => sheet.count()).toBe(0);
		const mine = page.locator(`[data-list-lane="${id('Dirk')}"] article.note`);
		await expect.poll(() => mine.innerText()).toContain('Geschreven op de telefoon');
		await expect.poll(() => page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);

		// Tapping an existing card edits it in the sheet too; what is typed reaches the others.
		const samen1 = page.locator('[data-list-lane="collective"] article.note').filter({ hasText: 'Samen notitie 1 over' }).first();
		await samen1.locator('.note-text').tap();
		await sheet.waitFor();
		await editorFocused(page);
		await page.keyboard.type(' en het park');
		await page.keyboard.press('Escape');
		await expect.poll(() => sheet.count()).toBe(0);
		const fenna = scope.connect(collabUrl(app), collectiveDoc(p, BOARD), practice.facilitator.token);
		await expect
			.poll(() => listNotes(fenna.doc).some((n) => plainText(noteContent(fenna.doc, n.id)) === 'Samen notitie 1 over de buurt en het park'), { timeout: 15000 })
			.toBe(true);

		// Find by text: one match, highlighted, the rest dimmed; Enter scrolls to it, below the sticky bar.
		await page.getByRole('button', { name: 'Zoeken' }).tap();
		const query = page.getByRole('searchbox', { name: 'Zoeken in notities' });
		await query.fill('DIJK');
		await expect.poll(() => page.locator('.lane-list [role="search"] .status').innerText()).toBe('1 notitie gevonden');
		const dike = page.locator('.lane-list .item').filter({ hasText: 'Fietsen langs de dijk' });
		expect(await dike.getAttribute('class')).toContain('match');
		expect(await page.locator('.item.dimmed').count()).toBe(105);
		await query.press('Enter');
		const inView = async (card: typeof dike) => {
			const box = await card.boundingBox();
			const bar = await page.locator('.lane-list .sticky').boundingBox();
			return box !== null && bar !== null && box.y >= bar.y + bar.height - 1 && box.y + box.height <= 844;
		};
		await expect.poll(() => inView(dike)).toBe(true);
		expect(await dike.getAttribute('class')).toContain('current');
		// The keyboard stays in the find field, so Enter goes on to the next match.
		expect(await query.evaluate((el) => el === document.activeElement)).toBe(true);

		// Find by person: Anna's forty notes, jumped to one by one.
		await query.fill('');
		await page.getByRole('button', { name: 'Filters' }).tap();
		// Open, the filters fit the phone too, with targets a finger can hit.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		expect(await smallTargets(page, '.lane-list [role="search"]')).toEqual([]);
		await page.getByLabel('Persoon').selectOption({ label: 'Anna' });
		await expect.poll(() => page.locator('.lane-list [role="search"] .status').innerText()).toBe('40 notities gevonden');
		await query.press('Enter');
		await query.press('Enter');
		await expect.poll(() => page.locator('.lane-list [role="search"] .status').innerText()).toBe('2 van 40');
		const second = page.locator('.item.current');
		expect(await second.innerText()).toContain('Anna notitie 2 over de buurt');
		await expect.poll(() => inView(second)).toBe(true);
		// The sticky bar stays at the top of the screen while the page is scrolled.
		expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
		expect((await page.locator('.lane-list .sticky').boundingBox())!.y).toBe(0);

		// The choice of view is remembered on this device.
		await page.getByRole('button', { name: 'Bord' }).tap();
		await expect.poll(() => page.locator('.lane-list').count()).toBe(0);
		await page.reload();
		await expect.poll(() => page.locator('section.lane.collective').count()).toBe(1);
		expect(await page.getByRole('button', { name: 'Bord' }).getAttribute('aria-pressed')).toBe('true');
		await page.getByRole('button', { name: 'Lijst' }).tap();
		await expect.poll(() => page.locator('.lane-list').count()).toBe(1);

		expect(errors).toEqual([]);
	});

	it('keeps a running silent round and collection window in view at the top while the list scrolls', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Wijkteam Oost', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const auth = { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' };
		await seed(scope, app, collectiveDoc(p, BOARD), practice.facilitator.token, practice.facilitator.id as MemberId, Array.from({ length: 30 }, (_, i) => `Notitie ${i + 1}`));
		const post = (path: string, body: unknown) => fetch(`${app.url}/api/practices/${p}/boards/${BOARD}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
		expect((await post('/activities/collection-window', { deadline: Date.now() + 3 * 86_400_000, question: 'Wat nemen we mee?' })).status).toBe(201);
		expect((await post('/activities/silent-round', { minutes: 30 })).status).toBe(201);

		const { page, errors } = await newPage(PHONE_CONTEXT);
		await joinOn(page, practice.links.participant, 'Eva');
		await page.goto(`${app.url}/p/${p}/b/${BOARD}`);
		await expect.poll(() => page.locator('.lane-list article.note').count(), { timeout: 20000 }).toBe(30);
		const bar = page.locator('.lane-list .sticky');
		// At the top the full banners are there, and the bar does not repeat them.
		expect(await bar.getByText('Stille ronde').count()).toBe(0);

		await page.locator('.lane-list article.note').last().scrollIntoViewIfNeeded();
		await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
		// Scrolled far down: the bar is at the top of the screen with the round's clock, a ready button, and the window's deadline.
		await expect.poll(() => bar.getByText('Stille ronde').isVisible()).toBe(true);
		expect((await bar.boundingBox())!.y).toBe(0);
		expect(await bar.innerText()).toMatch(/nog \d+:\d\d/);
		expect(await bar.innerText()).toContain('Open voor bijdragen tot');
		const ready = bar.getByRole('button', { name: 'Ik ben klaar' });
		const box = (await ready.boundingBox())!;
		expect(box.height).toBeGreaterThanOrEqual(44);
		await ready.tap();
		await expect.poll(() => bar.getByRole('button', { name: /niet klaar/i }).count()).toBe(1);
		expect(errors).toEqual([]);
	});
});
