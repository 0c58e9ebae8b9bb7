import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from '../helpers/app.ts';
import { afterFrames, signIn } from '../helpers/browser.ts';
import type { Scope } from '../helpers/scope.ts';
import { BOARD, joinWith, LAPTOP, screenOptions, violations, writeNotes } from '../helpers/board.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';

/** Notes in Samen where people left them: two pairs on top of each other, as a heap. */
async function seedHeap(scope: Scope, app: RunningApp, practice: CreatedPractice): Promise<void> {
	const me = practice.facilitator.id as MemberId;
	const heap = [
		['Tijd voor elkaar', 40, 30],
		['Los zand', 120, 90],
		['Tijd om te oefenen', 700, 200],
		['Nog een losse', 760, 230]
	] as const;
	const notes = heap.map(([text, x, y], i) => ({ createdBy: me, at: i, text, place: { x, y, kind: 'collective' } as const }));
	await writeNotes(scope, app, collectiveDoc(practice.id as PracticeId, BOARD), practice.facilitator.token, notes);
}

/** Every note's place in its region (board units), by its text. */
const places = (page: Page) =>
	page.locator('section[data-lane-key="collective"] [data-note-frame]').evaluateAll((frames) =>
		Object.fromEntries(frames.map((f) => [f.querySelector('.note-text')?.textContent?.trim() ?? '', { x: Number(f.getAttribute('data-x')), y: Number(f.getAttribute('data-y')) }]))
	);

/** What the board last told screen readers. */
const live = (page: Page) => page.locator('#main > [aria-live="polite"]').textContent();
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

/** In an open menu: arrow down to the item whose text ends with `name`. */
async function arrowTo(page: Page, name: string): Promise<void> {
	for (let i = 0; i < 12 && !(await focusedText(page)).endsWith(name); i++) await page.keyboard.press('ArrowDown');
	expect(await focusedText(page)).toMatch(new RegExp(`${name}$`));
}

/** With a note's card focused: Tab to its menu, Groep ▸ the named group. */
async function groupByKeyboard(page: Page, note: string, group: string): Promise<void> {
	await page.locator('article.note', { hasText: note }).focus();
	await afterFrames(page);
	await page.keyboard.press('Tab');
	expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^Acties voor/);
	await page.keyboard.press('Enter');
	await expect.poll(() => page.getByRole('menu').count()).toBe(1);
	await arrowTo(page, 'Groep');
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => page.getByRole('menu').count()).toBe(2);
	await arrowTo(page, group);
	await page.keyboard.press('Enter');
	await expect.poll(() => page.getByRole('menu').count()).toBe(0);
}

const box = async (page: Page, selector: string) => (await page.locator(selector).boundingBox())!;
const inside = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
	a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
const meets = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
	a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('arranging Samen by group, by keyboard alone', () => {
	it('groups two notes, arranges them into the group’s frame without overlaps, and undoes exactly that', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Ordenen', facilitatorName: 'Kim' });
		await seedHeap(scope, app, practice);
		const ann = await joinWith(newPage, practice.links.participant, 'Ann');
		const { page, errors } = await newPage(screenOptions(LAPTOP));
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
		await ann.page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
		await expect.poll(() => page.locator('section[data-lane-key="collective"] article.note').count()).toBe(4);
		const samen = page.locator('section[data-lane-key="collective"]');

		// A named group: "Nieuwe groep" opens its name for typing.
		await samen.getByRole('button', { name: '+ Nieuwe groep' }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Naam van de groep');
		await page.keyboard.type('Tijd');
		await page.keyboard.press('Enter');
		const frame = samen.locator('.cluster-frame', { has: page.getByRole('heading', { name: /^Tijd/ }) });
		await expect.poll(() => frame.count()).toBe(1);
		await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Acties voor groep Tijd');

		// Two notes into it through their menus.
		await groupByKeyboard(page, 'Tijd voor elkaar', 'Tijd');
		await expect.poll(() => live(page)).toContain('In groep Tijd');
		await groupByKeyboard(page, 'Tijd om te oefenen', 'Tijd');
		await expect.poll(() => frame.getByRole('heading').textContent()).toMatch(/Tijd\s*\(2 notities\)/);
		// A screen reader hears it with the note.
		const described = (text: string) =>
			samen.locator('article.note', { hasText: text }).evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')!)!.textContent ?? '');
		expect(await described('Tijd om te oefenen')).toContain('In groep Tijd');
		expect(await described('Los zand')).not.toContain('In groep');
		const before = await places(page);

		// Ordenen → Per groep.
		await samen.getByRole('button', { name: 'Samen ordenen' }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => page.getByRole('menu').count()).toBe(1);
		await arrowTo(page, 'Per groep');
		await page.keyboard.press('Enter');
		await expect.poll(() => live(page)).toContain('Samen geordend');
		await expect.poll(() => page.getByRole('button', { name: /Ongedaan maken/ }).count()).toBe(1);
		const arranged = await places(page);
		expect(arranged).not.toEqual(before);

		// The group's notes sit in its frame, the others outside it, and no note covers another.
		const frameBox = await box(page, '.cluster-frame');
		const noteBox = (text: string) => samen.locator('[data-note-frame]', { hasText: text }).boundingBox().then((b) => b!);
		for (const text of ['Tijd voor elkaar', 'Tijd om te oefenen']) expect(inside(await noteBox(text), frameBox)).toBe(true);
		for (const text of ['Los zand', 'Nog een losse']) expect(meets(await noteBox(text), frameBox)).toBe(false);
		const all = await Promise.all(Object.keys(arranged).map(noteBox));
		for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(meets(all[i], all[j])).toBe(false);

		// Another member sees the same arrangement and the group's name.
		await expect.poll(() => places(ann.page)).toEqual(arranged);
		await expect.poll(() => ann.page.getByRole('heading', { name: /^Tijd/ }).count()).toBe(1);

		// Meanwhile Ann moves one note by keyboard: undoing my arrange must leave her move alone.
		await ann.page.locator('article.note', { hasText: 'Nog een losse' }).focus();
		await ann.page.keyboard.press('ArrowDown');
		const annMoved = { ...arranged['Nog een losse'], y: arranged['Nog een losse'].y + 16 };
		await expect.poll(async () => (await places(page))['Nog een losse']).toEqual(annMoved);

		// "Ongedaan maken": every place as it was, except the one Ann moved since.
		await page.getByRole('button', { name: /Ongedaan maken/ }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => places(page)).toEqual({ ...before, 'Nog een losse': annMoved });
		await expect.poll(() => places(ann.page)).toEqual({ ...before, 'Nog een losse': annMoved });
		await expect.poll(() => live(page)).toContain('Ordenen van Samen ongedaan gemaakt');
		expect(await page.getByRole('button', { name: /Ongedaan maken/ }).count()).toBe(0);
		// The group stays, with its notes.
		await expect.poll(() => frame.getByRole('heading').textContent()).toMatch(/Tijd\s*\(2 notities\)/);

		// Dragged into the frame, a note joins the group; dragged out of it, it leaves.
		const drag = async (text: string, to: { x: number; y: number }) => {
			const from = await noteBox(text);
			await page.mouse.move(from.x + from.width / 2, from.y + 20);
			await page.mouse.down();
			await page.mouse.move(to.x, to.y - from.height / 2 + 20, { steps: 8 });
			await page.mouse.up();
		};
		const f = await box(page, '.cluster-frame');
		await drag('Los zand', { x: f.x + f.width / 2, y: f.y + f.height / 2 });
		await expect.poll(() => frame.getByRole('heading').textContent()).toMatch(/Tijd\s*\(3 notities\)/);
		const g = await box(page, '.cluster-frame');
		await drag('Los zand', { x: g.x + g.width + 200, y: g.y + g.height / 2 });
		await expect.poll(() => frame.getByRole('heading').textContent()).toMatch(/Tijd\s*\(2 notities\)/);

		expect(errors).toEqual([]);
		expect(ann.errors).toEqual([]);
	});

	it('shows the groups in the list view, and axe finds nothing with the Ordenen menu open and a group present', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Lijst', facilitatorName: 'Kim' });
		await seedHeap(scope, app, practice);
		const { page, errors } = await newPage(screenOptions(LAPTOP));
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
		const samen = page.locator('section[data-lane-key="collective"]');
		await expect.poll(() => samen.locator('article.note').count()).toBe(4);
		await samen.getByRole('button', { name: '+ Nieuwe groep' }).click();
		await page.getByLabel('Naam van de groep').fill('Vertrouwen');
		await page.keyboard.press('Enter');
		await groupByKeyboard(page, 'Los zand', 'Vertrouwen');

		await samen.getByRole('button', { name: 'Samen ordenen' }).click();
		await page.getByRole('menu').waitFor();
		expect(await violations(page), 'canvas, Ordenen menu open').toEqual([]);
		await page.keyboard.press('Escape');

		// The list: a headed group with its note, then the notes in no group.
		await page.getByRole('button', { name: 'Lijst', exact: true }).click();
		const list = page.locator('[data-list-lane="collective"]');
		const group = list.locator('section.group', { has: page.getByRole('heading', { name: /^Vertrouwen/ }) });
		await expect.poll(() => group.locator('article.note').allTextContents()).toEqual([expect.stringContaining('Los zand')]);
		const rest = list.locator('section.group', { has: page.getByRole('heading', { name: /^Zonder groep/ }) });
		await expect.poll(() => rest.locator('article.note').count()).toBe(3);
		// Arranged from the list: the notice with its undo button, scanned too.
		await list.getByRole('button', { name: 'Samen ordenen' }).click();
		await page.getByRole('menuitem', { name: 'Per groep' }).click();
		await page.getByRole('button', { name: /Ongedaan maken/ }).waitFor();
		expect(await violations(page), 'list with groups and the arrange notice').toEqual([]);
		// Out of the group from the note's menu, in the list too.
		await group.locator('article.note').getByRole('button', { name: /^Acties voor/ }).click();
		await page.getByRole('menuitem', { name: 'Groep' }).click();
		await page.getByRole('menuitemradio', { name: 'Geen groep' }).click();
		await expect.poll(() => rest.locator('article.note').count()).toBe(4);
		await expect.poll(() => group.getByText('Nog leeg').count()).toBe(1);
		// Removing the group keeps every note.
		page.once('dialog', (d) => void d.accept());
		await group.getByRole('button', { name: 'Acties voor groep Vertrouwen' }).click();
		await page.getByRole('menuitem', { name: 'Groep opheffen' }).click();
		await expect.poll(() => list.locator('section.group').count()).toBe(0);
		await expect.poll(() => list.locator('article.note').count()).toBe(4);
		expect(errors).toEqual([]);
	});
});
