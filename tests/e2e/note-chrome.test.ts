import { describe, expect, it } from '../helpers/fixture.ts';
import type { Locator, Page } from 'playwright-core';
import { createPracticeViaApi, type RunningApp } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { addNoteTo, joinWith, practiceWith, type NewPage } from '../helpers/board.ts';

const collective = (page: Page) => page.locator('section[data-lane-key="collective"]');
const myLane = (page: Page) => page.locator('section.lane.mine');

async function write(page: Page, lane: Locator, text: string): Promise<Locator> {
	await addNoteTo(lane, text);
	const note = lane.locator('article.note', { hasText: text });
	await expect.poll(() => note.count()).toBe(1);
	return note;
}

/** Picks an action from a note's menu. */
async function noteAction(note: Locator, name: string): Promise<void> {
	await note.getByRole('button', { name: /^Acties voor/ }).click();
	await note.page().getByRole('menuitem', { name }).click();
}

/** A new practice of Fem's that Ann has joined, each in a page of their own, and its Intentie board's address. */
async function femAndAnn(t: { app: RunningApp; newPage: NewPage }, name: string) {
	const { practice, facilitator: fem, participants: [ann] } = await practiceWith(t, { name, facilitatorName: 'Fem' }, ['Ann']);
	return { practice, ann, fem, board: `${t.app.url}/p/${practice.id}/b/intentie` };
}

/** The note's state in words, as its card shows it. */
const stateOf = (note: Locator) => note.locator('.state').innerText();

describe('bringing a note into an existing collective note', () => {
	it('shows the cited text on the live board, also to someone who opens the board afterwards', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Citaten', facilitatorName: 'Fem' });
		const ann = await joinWith(newPage, practice.links.participant, 'Ann');
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
		const fem = await newPage();
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

describe('who sees a note', () => {
	it('says it in words on every note, and changes only after an explicit confirmation', async ({ app, newPage }) => {
		const { ann, fem, board } = await femAndAnn({ app, newPage }, 'Zichtbaar');
		await ann.page.goto(board);
		await fem.page.goto(board);

		const note = await write(ann.page, myLane(ann.page), 'Wie leest dit mee?');
		await expect.poll(() => stateOf(note)).toBe('De groep, met je naam');
		const femSees = fem.page.locator('article.note', { hasText: 'Wie leest dit mee?' });
		await expect.poll(() => femSees.count()).toBe(1);
		await expect.poll(() => stateOf(femSees)).toBe('Van Ann');
		expect(await myLane(ann.page).getByRole('heading').innerText()).toBe('Mijn notities');
		expect(await fem.page.locator('section.lane:not(.collective):not(.private):not(.anonymous):not(.mine)').getByRole('heading').innerText()).toBe('Notities van Ann');

		// The menu opens the visibility dialog; an arrow key moves the choice but applies nothing.
		await noteAction(note, 'Zichtbaarheid…');
		const dialog = ann.page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		await expect.poll(() => dialog.count()).toBe(1);
		// A note the group saw with Ann's name offers an anonymous copy, never "anonymous".
		expect(await dialog.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['private', 'shared', 'anonymous-copy']);
		await dialog.getByRole('radio', { name: /De groep, met je naam/ }).focus();
		await ann.page.keyboard.press('ArrowUp');
		await expect.poll(() => dialog.getByRole('radio', { name: /Alleen jij/ }).isChecked()).toBe(true);
		await ann.page.keyboard.press('Enter');
		await ann.page.keyboard.press('Escape');
		await expect.poll(() => dialog.count()).toBe(0);
		await expect.poll(() => ann.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);
		expect(await myLane(ann.page).locator('article.note').count()).toBe(1);
		expect(await femSees.count()).toBe(1);

		// Chosen and confirmed: it is Ann's alone, says so, and the focus follows it.
		await noteAction(note, 'Zichtbaarheid…');
		await dialog.getByRole('radio', { name: /Alleen jij/ }).check();
		expect(await dialog.getByText('Niemand anders ziet haar. Ze staat in Privé.').count()).toBe(1);
		await dialog.getByRole('button', { name: 'Bevestigen' }).click();
		const mine = ann.page.locator('section.lane.private article.note', { hasText: 'Wie leest dit mee?' });
		await expect.poll(() => mine.count()).toBe(1);
		await expect.poll(() => stateOf(mine)).toBe('Alleen jij');
		await expect.poll(() => mine.evaluate((el) => el === document.activeElement)).toBe(true);
		await expect.poll(() => femSees.count()).toBe(0);
		expect(ann.errors).toEqual([]);
		expect(fem.errors).toEqual([]);
	});
});

describe('new since your last visit', () => {
	it('labels new notes in members\' own lanes too, in a style unlike the focus ring', async ({ app, newPage }) => {
		const { practice, ann, fem, board } = await femAndAnn({ app, newPage }, 'Nieuws');
		await fem.page.goto(board);
		await expect.poll(() => fem.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);
		await fem.page.goto(`${app.url}/p/${practice.id}`);

		await ann.page.goto(board);
		await write(ann.page, myLane(ann.page), 'Nieuw in mijn eigen notities');
		await expect.poll(() => ann.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);

		await fem.page.goto(board);
		const note = fem.page.locator('article.note', { hasText: 'Nieuw in mijn eigen notities' });
		await expect.poll(() => note.getAttribute('aria-label')).toMatch(/\(Nieuw\)$/);
		expect(await note.getByText('Nieuw', { exact: true }).isVisible()).toBe(true);
		// Not an outline: an outline is what keyboard focus looks like.
		expect(await note.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
		await note.focus();
		await expect.poll(() => note.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
		expect(fem.errors).toEqual([]);
	});
});
