import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPracticeViaApi, startApp, type RunningApp } from '../helpers/app.ts';
import { editorFocused, joinAs, launchBrowser, newPage } from '../helpers/browser.ts';

let app: RunningApp;
let browser: Browser;
beforeAll(async () => {
	app = await startApp();
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

const myLane = (page: Page) => page.locator('section.lane.mine');

async function addNote(page: Page, text: string) {
	await myLane(page).getByRole('button', { name: /Notitie toevoegen/ }).click();
	await editorFocused(page);
	await page.keyboard.type(text);
	await page.keyboard.press('Escape');
}

describe('between meetings, without a connection', () => {
	it('opens a board visited before, takes notes offline, and syncs them when back online', async () => {
		const practice = await createPracticeViaApi(app, { name: 'Trein', facilitatorName: 'Fem' });
		const board = `${app.url}/p/${practice.id}/b/actanten`;

		const traveller = await joinAs(browser, practice.links.participant, 'Reiziger');
		await traveller.page.goto(board);
		await addNote(traveller.page, 'Al gedeeld voor vertrek');
		await expect.poll(() => traveller.page.getByRole('status').filter({ hasText: 'Alle wijzigingen opgeslagen' }).count()).toBe(1);
		// The service worker installs and keeps this page for offline use.
		await traveller.page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await traveller.page.reload();
		await expect.poll(() => traveller.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
		await expect.poll(() => myLane(traveller.page).locator('article.note').count()).toBe(1);

		// On the train: no connection. The board still opens, and takes two new notes and an edit.
		await traveller.context.setOffline(true);
		await traveller.page.reload();
		await expect.poll(() => myLane(traveller.page).locator('article.note', { hasText: 'Al gedeeld voor vertrek' }).count()).toBe(1);
		await addNote(traveller.page, 'Offline idee een');
		await addNote(traveller.page, 'Offline idee twee');
		await myLane(traveller.page).locator('article.note', { hasText: 'Al gedeeld voor vertrek' }).locator('.note-text').click();
		await editorFocused(traveller.page);
		await traveller.page.keyboard.press('End');
		await traveller.page.keyboard.type(' (aangevuld)');
		await traveller.page.keyboard.press('Escape');
		await expect.poll(() => traveller.page.getByRole('status').filter({ hasText: /Offline/ }).count()).toBe(1);
		for (const text of ['Offline idee een', 'Offline idee twee', 'Al gedeeld voor vertrek (aangevuld)']) {
			await expect.poll(() => myLane(traveller.page).locator('article.note', { hasText: text }).count(), { message: text }).toBe(1);
		}

		// Back online: everything reaches the server, and another member sees it.
		await traveller.context.setOffline(false);
		await expect.poll(() => traveller.page.getByRole('status').filter({ hasText: 'Alle wijzigingen opgeslagen' }).count(), { timeout: 20000 }).toBe(1);
		const fem = await newPage(browser);
		await fem.page.goto(practice.links.facilitator);
		await fem.page.goto(board);
		const lane = fem.page.locator('section.lane', { hasText: 'Baan van Reiziger' });
		for (const text of ['Offline idee een', 'Offline idee twee', 'Al gedeeld voor vertrek (aangevuld)']) {
			await expect.poll(() => lane.locator('article.note', { hasText: text }).count(), { timeout: 15000 }).toBe(1);
		}
		expect(traveller.errors).toEqual([]);
		expect(fem.errors).toEqual([]);
	});
});
