import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { createPracticeViaApi, startApp, type RunningApp } from '../helpers/app.ts';
import { editorFocused, joinAs, launchBrowser, newPage, signIn } from '../helpers/browser.ts';

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

const collective = (page: Page) => page.locator('section[data-lane-key="collective"]');
const myLane = (page: Page) => page.locator('section.lane.mine');

async function write(page: Page, lane: Locator, text: string): Promise<Locator> {
	await lane.getByRole('button', { name: /Notitie toevoegen/ }).click();
	await editorFocused(page);
	await page.keyboard.type(text);
	await page.keyboard.press('Escape');
	const note = lane.locator('article.note', { hasText: text });
	await expect.poll(() => note.count()).toBe(1);
	return note;
}

/** Picks an action from a note's menu. */
async function noteAction(note: Locator, name: string): Promise<void> {
	await note.focus();
	await note.getByRole('button', { name }).click();
}

describe('bringing a note into an existing collective note', () => {
	it('shows the cited text on the live board, also to someone who opens the board afterwards', async () => {
		const practice = await createPracticeViaApi(app, { name: 'Citaten', facilitatorName: 'Fem' });
		const ann = await joinAs(browser, practice.links.participant, 'Ann');
		const board = `${app.url}/p/${practice.id}/b/intentie`;
		await ann.page.goto(board);

		const first = await write(ann.page, myLane(ann.page), 'Wij leren van de wijk');
		await noteAction(first, 'Inbrengen in Samen');
		await ann.page.getByRole('dialog').getByRole('button', { name: /nieuwe/ }).click();
		const together = collective(ann.page).locator('article.note', { hasText: 'Wij leren van de wijk' });
		await expect.poll(() => together.count()).toBe(1);

		const second = await write(ann.page, myLane(ann.page), 'Buurtcoaches weten het eerst');
		await noteAction(second, 'Inbrengen in Samen');
		await ann.page.getByRole('dialog').getByRole('button', { name: /Wij leren van de wijk/ }).click();
		await expect.poll(() => together.getByRole('button', { name: 'Ann: Buurtcoaches weten het eerst' }).count()).toBe(1);
		await expect.poll(() => ann.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);

		// Someone opening the board now, and Ann after a reload, read both cited texts.
		const fem = await newPage(browser);
		await signIn(fem.page, practice);
		await fem.page.goto(board);
		await ann.page.reload();
		for (const page of [fem.page, ann.page]) {
			const note = collective(page).locator('article.note', { hasText: 'Wij leren van de wijk' }).first();
			await expect.poll(() => note.getByRole('button', { name: 'Ann: Wij leren van de wijk' }).count()).toBe(1);
			await expect.poll(() => note.getByRole('button', { name: 'Ann: Buurtcoaches weten het eerst' }).count()).toBe(1);
		}
		expect(ann.errors).toEqual([]);
		expect(fem.errors).toEqual([]);
	});
});
