import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { createPracticeViaApi } from '../helpers/app.ts';
import { editorFocused, signIn } from '../helpers/browser.ts';
import { addNoteTo, joinWith, saveStatus, visitOnline } from '../helpers/board.ts';

const collective = (page: Page) => page.locator('section.lane.collective');
const myLane = (page: Page) => page.locator('section.lane.mine');
const WAITING = /^Offline · \d+ notities? nog niet opgeslagen$/;

/** Offline, with the board opened from the service worker and IndexedDB (a reload drops any open websocket). */
async function goOffline(person: { context: { setOffline(offline: boolean): Promise<void> }; page: Page }) {
	await person.context.setOffline(true);
	await person.page.reload();
	await expect.poll(() => saveStatus(person.page).innerText()).toBe('Offline');
}

/** Types at the start or end of a note's text. */
async function editNote(page: Page, note: ReturnType<Page['locator']>, where: 'Home' | 'End', text: string) {
	const before = await note.locator('.note-text').innerText();
	await note.locator('.note-text').click();
	await editorFocused(page);
	// The editor puts the caret at the end in an animation frame after it opens: let that pass,
	// then press until the text is there and the caret is where we want it.
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
	await expect
		.poll(async () => {
			await page.keyboard.press(where);
			return page.evaluate(
				({ atStart, before }) => {
					const editor = document.activeElement?.closest('.ProseMirror');
					const selection = getSelection();
					if (!editor || editor.textContent !== before || !selection?.isCollapsed || !selection.anchorNode) return false;
					const range = document.createRange();
					range.selectNodeContents(editor);
					if (atStart) range.setEnd(selection.anchorNode, selection.anchorOffset);
					else range.setStart(selection.anchorNode, selection.anchorOffset);
					return range.toString() === '';
				},
				{ atStart: where === 'Home', before }
			);
		})
		.toBe(true);
	await page.keyboard.type(text);
	await page.keyboard.press('Escape');
}

/** Any dialog (a conflict to resolve, say) is recorded and dismissed. */
function recordDialogs(page: Page): string[] {
	const dialogs: string[] = [];
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	return dialogs;
}

describe('offline edits that must not get lost', () => {
	it('merges two offline edits of the same note, with nothing lost and no dialogs', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Samen', facilitatorName: 'Fem' });
		const board = `${app.url}/p/${practice.id}/b/actanten`;
		const fem = await newPage();
		await signIn(fem.page, practice);
		const ana = await joinWith(newPage, practice.links.participant, 'Ana');
		const people = [fem, ana];
		const dialogs = people.map((p) => recordDialogs(p.page));
		for (const p of people) await visitOnline(p.page, board);

		await addNoteTo(collective(fem.page), 'wij leren');
		for (const p of people) {
			await expect.poll(() => collective(p.page).locator('article.note .note-text').allInnerTexts()).toEqual(['wij leren']);
			await expect.poll(() => saveStatus(p.page).innerText()).toBe('Alle wijzigingen opgeslagen');
		}

		// Both lose the connection, and each adds different words to the same note.
		for (const p of people) await goOffline(p);
		await editNote(fem.page, collective(fem.page).locator('article.note'), 'End', ' van elkaar');
		await editNote(ana.page, collective(ana.page).locator('article.note'), 'Home', 'Soms ');
		await expect.poll(() => collective(fem.page).locator('article.note .note-text').allInnerTexts()).toEqual(['wij leren van elkaar']);
		await expect.poll(() => collective(ana.page).locator('article.note .note-text').allInnerTexts()).toEqual(['Soms wij leren']);
		for (const p of people) await expect.poll(() => saveStatus(p.page).innerText()).toMatch(WAITING);

		// Both come back: each sees both edits, and the server has stored them.
		for (const p of people) await p.context.setOffline(false);
		for (const p of people) {
			await expect
				.poll(() => collective(p.page).locator('article.note .note-text').allInnerTexts(), { timeout: 20000 })
				.toEqual(['Soms wij leren van elkaar']);
			await expect.poll(() => saveStatus(p.page).innerText(), { timeout: 20000 }).toBe('Alle wijzigingen opgeslagen');
		}
		// A third browser, fresh from the server, sees the merged note too.
		const third = await newPage();
		await signIn(third.page, practice);
		await third.page.goto(board);
		await expect.poll(() => collective(third.page).locator('article.note .note-text').allInnerTexts()).toEqual(['Soms wij leren van elkaar']);

		expect(dialogs).toEqual([[], []]);
		for (const p of [...people, third]) {
			expect(p.errors).toEqual([]);
			await p.context.close();
		}
	});

	it('keeps the last words typed when the tab is closed right after typing', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Haast', facilitatorName: 'Fem' });
		const board = `${app.url}/p/${practice.id}/b/actanten`;
		const traveller = await joinWith(newPage, practice.links.participant, 'Reiziger');
		await visitOnline(traveller.page, board);
		await addNoteTo(myLane(traveller.page), 'Begin');
		await expect.poll(() => saveStatus(traveller.page).innerText()).toBe('Alle wijzigingen opgeslagen');

		// Offline, so only this browser can keep the words; the tab closes right after the last key.
		await goOffline(traveller);
		await myLane(traveller.page).locator('article.note', { hasText: 'Begin' }).locator('.note-text').click();
		await editorFocused(traveller.page);
		await traveller.page.keyboard.press('End');
		await traveller.page.keyboard.type(' en het laatste woord');
		await traveller.page.close();
		expect(traveller.errors).toEqual([]);

		// A new tab, still offline: the words are there, waiting for the server.
		const again = await traveller.context.newPage();
		await again.goto(board);
		await expect.poll(() => myLane(again).locator('article.note .note-text').allInnerTexts()).toEqual(['Begin en het laatste woord']);
		await expect.poll(() => saveStatus(again).innerText()).toMatch(WAITING);

		// Online again: stored, and another member sees them.
		await traveller.context.setOffline(false);
		await expect.poll(() => saveStatus(again).innerText(), { timeout: 20000 }).toBe('Alle wijzigingen opgeslagen');
		const fem = await newPage();
		await signIn(fem.page, practice);
		await fem.page.goto(board);
		const lane = fem.page.locator('section.lane', { hasText: 'Notities van Reiziger' });
		await expect.poll(() => lane.locator('article.note .note-text').allInnerTexts(), { timeout: 15000 }).toEqual(['Begin en het laatste woord']);
		expect(fem.errors).toEqual([]);
		await fem.context.close();
		await traveller.context.close();
	});
});
