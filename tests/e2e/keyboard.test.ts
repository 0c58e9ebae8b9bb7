import { describe, expect, it } from '../helpers/fixture.ts';
import type { Locator, Page } from 'playwright-core';
import type { RunningApp } from '../helpers/app.ts';
import { afterFrames, editorFocused } from '../helpers/browser.ts';
import { facilitatorOn, type NewPage } from '../helpers/board.ts';

/** With a note's menu button focused: opens the menu, walks to an item with the arrow keys, picks it. */
async function menuItemByKeyboard(page: Page, name: string): Promise<void> {
	expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^Acties voor/);
	await page.keyboard.press('Enter');
	await expect.poll(() => page.getByRole('menu').count()).toBe(1);
	const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
	for (let i = 0; i < 10 && (await focused()) !== name; i++) await page.keyboard.press('ArrowDown');
	expect(await focused()).toBe(name);
	await page.keyboard.press('Enter');
}

/** Focuses a lane's "Notitie toevoegen" button, presses Enter, types `text` and closes the editor with Escape. */
async function writeByKeyboard(lane: Locator, text: string): Promise<void> {
	const page = lane.page();
	await lane.getByRole('button', { name: /Notitie toevoegen/ }).focus();
	await page.keyboard.press('Enter');
	await editorFocused(page);
	await page.keyboard.type(text);
	await page.keyboard.press('Escape');
}

/** Kim's practice on `framework`, her board of it in a page of her own. */
const kimOn = (t: { app: RunningApp; newPage: NewPage }, framework: string, board: string, options?: Parameters<NewPage>[0]) =>
	facilitatorOn(t, { name: 'Toetsenbord', facilitatorName: 'Kim', framework }, board, options);

describe('keyboard alone, on a paradox board', () => {
	it('creates, edits, moves along the axis, moves to the collective lane and brings in a note', async ({ app, newPage }) => {
		const { page, errors } = await kimOn({ app, newPage }, 'paradoxen', 'actie');

		// The paradox board shows the axis between its two poles on every lane
		// (collective, my private lane, my lane, the anonymous lane).
		await expect.poll(() => page.locator('section.lane').count()).toBe(4);
		await expect.poll(() => page.getByRole('img', { name: 'As tussen noodzaak en competentie' }).count()).toBe(4);

		// Create and write a note with the keyboard.
		const myLane = page.locator('section.lane.mine');
		await writeByKeyboard(myLane, 'Het moet, maar kunnen we het?');
		const note = myLane.locator('article.note', { hasText: 'Het moet, maar kunnen we het?' });
		await expect.poll(() => note.evaluate((el) => el === document.activeElement)).toBe(true);

		// Arrow keys move it towards the right pole; its description says where it sits.
		const describedBy = async () => note.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')!)!.textContent ?? '');
		// A new note starts at the left of the lane (free places fill in reading order), a gap from the edge.
		await expect.poll(describedBy).toMatch(/9\d% richting noodzaak/i);
		await page.keyboard.press('ArrowLeft');
		await expect.poll(describedBy).toMatch(/100% richting noodzaak/i);
		// Shift moves a note and its gap (256 units) at a time; the lane is 1,056 units of axis.
		for (let i = 0; i < 12; i++) await page.keyboard.press('Shift+ArrowRight');
		await expect.poll(describedBy).toMatch(/100% richting competentie/i);
		for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowLeft');
		await expect.poll(describedBy).toMatch(/73% richting noodzaak/i);

		// Move it to the collective lane with the keyboard: Tab to the note's menu, open it, pick the item.
		await note.focus();
		await afterFrames(page); // focus moves to a note in the next frame after an action: let that settle first
		await page.keyboard.press('Tab');
		await menuItemByKeyboard(page, 'Verplaatsen naar…');
		await page.getByRole('dialog').getByRole('button', { name: 'Samen' }).focus();
		await page.keyboard.press('Enter');
		const collective = page.locator('section[data-lane-key="collective"]');
		const moved = collective.locator('article.note', { hasText: 'Het moet, maar kunnen we het?' });
		await expect.poll(() => moved.count()).toBe(1);
		await expect.poll(() => myLane.locator('article.note').count()).toBe(0);
		await expect.poll(() => moved.evaluate((el) => el === document.activeElement)).toBe(true);

		// A second note, brought into the existing collective note: one collective note, two sources later.
		await writeByKeyboard(myLane, 'Competentie groeit door te doen');
		const second = myLane.locator('article.note', { hasText: 'Competentie groeit' });
		await second.focus();
		await afterFrames(page); // focus moves to a note in the next frame after an action: let that settle first
		await page.keyboard.press('Tab');
		await menuItemByKeyboard(page, 'Inbrengen in Samen');
		await page.getByRole('dialog').getByRole('button', { name: /Toevoegen aan: Het moet/ }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => moved.getByRole('button', { name: /Kim: Competentie groeit/ }).count()).toBe(1);
		await expect.poll(() => second.getByText('Ingebracht in').count()).toBe(1);

		// Everything on the page has an accessible name.
		const unnamed = await page.locator('button, a, input, select').evaluateAll((els) =>
			els.filter((el) => {
				const label = el.getAttribute('aria-label') || el.textContent?.trim() || (el.id && document.querySelector(`label[for="${el.id}"]`));
				return !label;
			}).length
		);
		expect(unnamed).toBe(0);
		expect(errors).toEqual([]);
	});

	it('changes a note’s visibility through its confirmation dialog, and arranges a lane and undoes it, by keyboard alone', async ({ app, newPage }) => {
		const { page, errors } = await kimOn({ app, newPage }, 'lerende-praktijken', 'intentie');
		const myLane = page.locator('section.lane.mine');
		await myLane.getByRole('button', { name: /Notitie toevoegen/ }).waitFor();
		const places = () =>
			myLane.locator('[data-note-frame]').evaluateAll((frames) => frames.map((f) => [f.textContent?.match(/Punt \d/)?.[0], f.getAttribute('data-x'), f.getAttribute('data-y')]).sort());

		// Three notes with N (the board's shortcut), each typed and closed with Escape.
		for (const text of ['Punt 1', 'Punt 2', 'Punt 3']) {
			await page.locator('h1').focus();
			await page.keyboard.press('n');
			await editorFocused(page);
			await page.keyboard.type(text);
			await page.keyboard.press('Escape');
			await expect.poll(() => myLane.locator('article.note', { hasText: text }).evaluate((el) => el === document.activeElement)).toBe(true);
		}
		// Out of line by hand: Punt 2 one step down and right.
		await myLane.locator('article.note', { hasText: 'Punt 2' }).focus();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowRight');
		await expect.poll(places).not.toEqual([]);
		const byHand = await places();

		// Ordenen, then Ctrl+Z: the hand-made places come back; the live region says both.
		const live = page.locator('#main > [aria-live="polite"]');
		await myLane.getByRole('button', { name: 'Mijn notities ordenen' }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => live.textContent()).toContain('Mijn notities geordend');
		const tidy = await places();
		expect(tidy).not.toEqual(byHand);
		expect(new Set(tidy.map(([, , y]) => y)).size).toBe(1);
		await page.keyboard.press('Control+z');
		await expect.poll(places).toEqual(byHand);
		await expect.poll(() => live.textContent()).toContain('Ordenen van Mijn notities ongedaan gemaakt');

		// Visibility: the menu opens a dialog; arrow keys only choose, the confirm button applies.
		const note = myLane.locator('article.note', { hasText: 'Punt 3' });
		await note.focus();
		await afterFrames(page);
		await page.keyboard.press('Tab');
		await menuItemByKeyboard(page, 'Zichtbaarheid…');
		const dialog = page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		await dialog.waitFor();
		await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('shared');
		await page.keyboard.press('ArrowUp');
		await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('private');
		// Chosen, not yet applied.
		expect(await note.count()).toBe(1);
		for (let i = 0; i < 4 && (await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Bevestigen'; i++) await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await expect.poll(() => dialog.count()).toBe(0);
		await expect.poll(() => page.locator('section.lane.private article.note', { hasText: 'Punt 3' }).count()).toBe(1);
		await expect.poll(() => note.count()).toBe(0);
		await expect.poll(() => live.textContent()).toContain('Nu alleen voor jou');
		expect(errors).toEqual([]);
	});

	it('switches the interface to English and keeps it', async ({ app, newPage }) => {
		const { page, errors } = await kimOn({ app, newPage }, 'lerende-praktijken', 'intentie');
		await expect.poll(() => page.getByRole('heading', { name: 'Samen' }).count()).toBe(1);
		await page.getByRole('button', { name: /English/ }).click();
		await expect.poll(() => page.getByRole('heading', { name: 'Together' }).count()).toBe(1);
		await expect.poll(() => page.getByRole('heading', { name: 'Intention' }).count()).toBe(1);
		await page.reload();
		await expect.poll(() => page.getByRole('heading', { name: 'Together' }).count()).toBe(1);
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
		expect(errors).toEqual([]);
	});

	it('stacks lanes on a phone and opens a note full screen to edit', async ({ app, newPage }) => {
		const { page, errors } = await kimOn({ app, newPage }, 'lerende-praktijken', 'intentie', { viewport: { width: 390, height: 844 } });
		const lanes = page.locator('section.lane');
		await expect.poll(() => lanes.count()).toBe(4);
		// Stacked: one column, each lane the full width, the second below the first.
		await expect
			.poll(async () => {
				const [a, b] = [await lanes.nth(0).boundingBox(), await lanes.nth(1).boundingBox()];
				return a && b && Math.abs(a.x - b.x) < 2 && Math.abs(a.width - b.width) < 2 && b.y > a.y + a.height / 2;
			})
			.toBe(true);
		await page.locator('section.lane.mine').getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(page);
		await page.keyboard.type('Op de trein');
		// The list view (the phone's default) edits in a sheet over the whole screen.
		const editing = page.getByRole('dialog', { name: 'Notitie bewerken' });
		await expect.poll(async () => (await editing.boundingBox())?.width).toBe(390);
		expect(errors).toEqual([]);
	});
});
