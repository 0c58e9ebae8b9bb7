import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { editorFocused } from '../helpers/browser.ts';
import { addNoteTo } from '../helpers/board.ts';

const collective = (page: Page) => page.locator('section[data-lane-key="collective"]');
const noteWithText = (page: Page, text: string) => page.locator('article.note', { hasText: text });

describe('the live board, end to end in Chromium', () => {
	it('create, join, write together, move, bring in, and find it all after reload and restart', async ({ scope, newPage }) => {
		// An app of this test's own: it restarts it.
		let app = await scope.startApp();
		// The facilitator creates a practice on the start page.
		const fem = await newPage();
		await fem.page.goto(`${app.url}/`);
		await fem.page.getByLabel('Naam van de praktijk').fill('Wijkteam Noord');
		await fem.page.getByLabel('Jouw naam').fill('Fem');
		await fem.page.getByRole('button', { name: 'Praktijk aanmaken' }).click();
		await fem.page.waitForURL(/\/p\/[^/]+$/);
		await expect.poll(() => fem.page.getByRole('heading', { name: 'Wijkteam Noord' }).count()).toBe(1);
		const invite = await fem.page.getByLabel('Link voor deelnemers', { exact: true }).inputValue();
		expect(invite).toMatch(/\/join\/[A-Za-z0-9_-]{43}$/);

		// A participant joins by the invite link with a name only.
		const piet = await newPage();
		await piet.page.goto(invite);
		await piet.page.getByLabel('Jouw naam').fill('Piet');
		await piet.page.getByRole('button', { name: 'Meedoen' }).click();
		await piet.page.waitForURL(/\/p\/[^/]+$/);

		// Both open the Intentie board and see its dialogue question.
		for (const { page } of [fem, piet]) {
			await page.getByRole('link', { name: /Intentie/ }).click();
			await page.waitForURL(/\/b\/intentie$/);
			await expect.poll(() => page.getByText('Wat is de bedoeling van de lerende praktijk?').count()).toBeGreaterThan(0);
		}
		// Presence: each sees the other on the board.
		await expect.poll(() => fem.page.locator('.presence li', { hasText: 'Piet' }).count()).toBe(1);
		await expect.poll(() => piet.page.locator('.presence li', { hasText: 'Fem' }).count()).toBe(1);

		// Fem adds a collective note and types; Piet sees the text live.
		await collective(fem.page).getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(fem.page);
		await fem.page.keyboard.type('Wat willen wij samen bereiken?');
		await expect.poll(() => noteWithText(piet.page, 'Wat willen wij samen bereiken?').count()).toBe(1);

		// Piet edits the same note: both type at once and see each other's named caret.
		await noteWithText(piet.page, 'Wat willen wij samen bereiken?').locator('.note-text').click();
		await editorFocused(piet.page);
		await piet.page.keyboard.press('End');
		await piet.page.keyboard.type(' En waartoe?');
		await fem.page.keyboard.type(' Samen!');
		await expect.poll(() => fem.page.locator('.collaboration-carets__label', { hasText: 'Piet' }).count()).toBe(1);
		await expect.poll(() => piet.page.locator('.collaboration-carets__label', { hasText: 'Fem' }).count()).toBe(1);
		for (const { page } of [fem, piet]) {
			await expect.poll(() => collective(page).locator('article.note').first().innerText()).toMatch(/Samen!/);
			await expect.poll(() => collective(page).locator('article.note').first().innerText()).toMatch(/En waartoe\?/);
		}
		await fem.page.keyboard.press('Escape');
		await piet.page.keyboard.press('Escape');

		// Moving a note by keyboard: Fem's moves show up on Piet's screen.
		const shared = collective(fem.page).locator('article.note').first();
		await shared.focus();
		const placeOn = (page: Page) => collective(page).locator('.note-frame').first().getAttribute('data-x');
		const before = await placeOn(piet.page);
		await fem.page.keyboard.press('Shift+ArrowRight');
		await fem.page.keyboard.press('Shift+ArrowRight');
		await expect.poll(() => placeOn(piet.page)).not.toBe(before);

		// Piet writes an individual note in his own lane and brings it into the collective lane.
		const pietLane = piet.page.locator('section.lane.mine');
		await addNoteTo(pietLane, 'Ik leer van de buurtbewoners');
		const own = noteWithText(piet.page, 'Ik leer van de buurtbewoners');
		await own.getByRole('button', { name: /^Acties voor/ }).click();
		await piet.page.getByRole('menuitem', { name: 'Inbrengen in Samen' }).click();
		await piet.page.getByRole('button', { name: 'Als nieuwe notitie in Samen' }).click();

		// The link shows both ways, for both people.
		for (const { page } of [fem, piet]) {
			const broughtIn = collective(page).locator('article.note', { hasText: 'Ik leer van de buurtbewoners' });
			await expect.poll(() => broughtIn.count()).toBe(1);
			await expect.poll(() => broughtIn.getByRole('button', { name: /Piet: Ik leer van/ }).count()).toBe(1);
			// The canvas draws what is near the view: look at everything first.
			await page.getByRole('button', { name: 'Alles in beeld' }).click();
			const source = page.locator('section.lane:not(.collective) article.note', { hasText: 'Ik leer van de buurtbewoners' });
			await expect.poll(() => source.getByText('Ingebracht in').count()).toBe(1);
		}

		expect(fem.errors).toEqual([]);
		expect(piet.errors).toEqual([]);

		// Reload: everything is still there.
		await piet.page.reload();
		await expect.poll(() => collective(piet.page).locator('article.note').count()).toBe(2);
		await expect.poll(() => noteWithText(piet.page, 'Samen!').count()).toBeGreaterThan(0);

		// Restart the server: still all there (cookies do not depend on the port).
		const cookies = await piet.context.cookies();
		const boardPath = new URL(piet.page.url()).pathname;
		await fem.context.close();
		await piet.context.close();
		await app.stop();
		app = await scope.startApp({ dataDir: app.dataDir });
		const again = await newPage();
		await again.context.addCookies(cookies);
		await again.page.goto(`${app.url}${boardPath}`);
		await expect.poll(() => collective(again.page).locator('article.note').count()).toBe(2);
		await expect.poll(() => noteWithText(again.page, 'Samen!').count()).toBeGreaterThan(0);
		await again.page.getByRole('button', { name: 'Alles in beeld' }).click();
		await expect.poll(() => noteWithText(again.page, 'Ik leer van de buurtbewoners').count()).toBe(2);
		await again.context.close();
	});
});
