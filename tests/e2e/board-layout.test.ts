import { describe, expect, it } from '../helpers/fixture.ts';
import type { Locator, Page } from 'playwright-core';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from '../helpers/app.ts';
import type { Scope } from '../helpers/scope.ts';
import { BOARD, LAPTOP, openBoard, PHONE, ROOM, violations, writeNotes } from '../helpers/board.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { NOTE_GAP } from '#lib/domain/board-space.ts';
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';

/** One note in Samen and one in the facilitator's own lane, written over the websocket. */
async function seed(scope: Scope, app: RunningApp, practice: CreatedPractice) {
	const me = practice.facilitator.id as MemberId;
	const p = practice.id as PracticeId;
	for (const [doc, kind, text] of [
		[collectiveDoc(p, BOARD), 'collective', 'Wat we samen leerden'],
		[laneDoc(p, BOARD, me), 'member', 'Wat ik meeneem']
	] as const) {
		await writeNotes(scope, app, doc, practice.facilitator.token, [{ createdBy: me, at: Date.now(), text, place: { x: NOTE_GAP, y: NOTE_GAP, kind } }]);
	}
}

/**
 * How large a note's text is drawn, in screen pixels: its computed font size times the
 * scale the card is drawn at (its width on the screen over its width in layout), and the
 * height of the box the browser draws its first word in.
 */
function drawnText(note: Locator) {
	return note.evaluate((frame) => {
		const text = frame.querySelector('.note-text')!;
		const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
		const node = walker.nextNode()!;
		const range = document.createRange();
		range.setStart(node, 0);
		range.setEnd(node, node.textContent!.indexOf(' '));
		const card = frame as HTMLElement;
		return {
			px: parseFloat(getComputedStyle(text).fontSize) * (card.getBoundingClientRect().width / card.offsetWidth),
			glyphs: range.getBoundingClientRect().height
		};
	});
}

const box = async (locator: Locator) => (await locator.boundingBox())!;

/** Where Samen's top-left corner is drawn, relative to the canvas's. */
async function samenCorner(page: Page) {
	const canvas = await box(page.locator('.canvas'));
	const samen = await box(page.locator('section.lane.collective'));
	return { x: Math.round(samen.x - canvas.x), y: Math.round(samen.y - canvas.y) };
}

describe('the board page on a laptop, a phone and the room’s screen', () => {
	it('fills the screen below a compact header with the canvas, opening on Samen and my lane at a readable size', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Leesbaar', facilitatorName: 'Kim' });
		await seed(scope, app, practice);
		const seen: { px: number; corner: { x: number; y: number } }[] = [];
		for (const size of [LAPTOP, ROOM, PHONE]) {
			const { page, context, errors } = await openBoard({ app, newPage }, practice, size);
			const canvas = page.locator('.canvas');
			const samenNote = page.locator('[data-note-frame]', { hasText: 'Wat we samen leerden' });
			await samenNote.waitFor();

			// The canvas reaches the bottom of the screen and takes most of it (the facilitator's header, with its tools).
			const c = await box(canvas);
			expect(c.y + c.height).toBeGreaterThanOrEqual(size.height - 2);
			expect(c.height).toBeGreaterThanOrEqual((size.touch ? 0.6 : 0.75) * size.height);
			expect(c.width).toBeGreaterThanOrEqual(size.width - 2);

			// Samen's note reads at 14 px or more, on the screen, without zooming.
			const text = await drawnText(samenNote);
			expect(text.px).toBeGreaterThanOrEqual(14);
			expect(text.glyphs).toBeGreaterThanOrEqual(14);
			// Samen comes first: its note is fully in view.
			const n = await box(samenNote);
			expect(n.x).toBeGreaterThanOrEqual(c.x);
			expect(n.y).toBeGreaterThanOrEqual(c.y);
			expect(n.x + n.width).toBeLessThanOrEqual(c.x + c.width);
			expect(n.y + n.height).toBeLessThanOrEqual(c.y + c.height);
			// My own lane starts in the first view on the laptop and the room's screen (a phone shows Samen).
			if (!size.touch) {
				const mine = await box(page.getByRole('heading', { name: 'Mijn notities', level: 2 }));
				expect(mine.y + mine.height).toBeLessThanOrEqual(c.y + c.height);
			}
			seen.push({ px: text.px, corner: await samenCorner(page) });
			expect(errors).toEqual([]);
			await context.close();
		}
		const [laptop, room, phone] = seen;
		// Larger on the room's screen, for the back of the room.
		expect(room.px).toBeGreaterThanOrEqual(18);
		expect(room.px).toBeGreaterThan(laptop.px);
		// The same place on the board opens everywhere: Samen's corner at the same spot of every canvas.
		expect(room.corner).toEqual(laptop.corner);
		expect(phone.corner).toEqual(laptop.corner);
	});

	it('folds the aspect’s explanation and questions under the title, and remembers whether it is open', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Uitleg', facilitatorName: 'Kim' });
		const { page, errors } = await openBoard({ app, newPage }, practice, LAPTOP);
		const toggle = page.getByRole('button', { name: 'Uitleg en vragen' });
		const question = page.getByRole('region', { name: 'Intentie' }).getByText('Wat is de bedoeling van de lerende praktijk?', { exact: false });
		const canvas = page.locator('.canvas');
		expect(await toggle.getAttribute('aria-expanded')).toBe('false');
		expect(await question.isVisible()).toBe(false);
		const folded = await box(canvas);

		await toggle.click();
		await expect.poll(() => question.isVisible()).toBe(true);
		expect(await toggle.getAttribute('aria-expanded')).toBe('true');
		expect(await page.getByRole('region', { name: 'Intentie' }).getByText(/met welke doelstelling of motivatie/).isVisible()).toBe(true);
		// Open, it pushes the canvas down; the canvas still ends at the bottom of the screen.
		await expect.poll(async () => (await box(canvas)).y).toBeGreaterThan(folded.y);
		const open = await box(canvas);
		expect(open.y + open.height).toBeGreaterThanOrEqual(LAPTOP.height - 2);
		expect(await violations(page)).toEqual([]);

		// Remembered on this device.
		await page.reload();
		await expect.poll(() => question.isVisible()).toBe(true);
		await toggle.click();
		await expect.poll(() => question.isVisible()).toBe(false);
		expect(await toggle.getAttribute('aria-expanded')).toBe('false');
		await expect.poll(async () => Math.round((await box(canvas)).y)).toBe(Math.round(folded.y));
		await page.reload();
		await page.locator('.canvas').waitFor();
		expect(await question.isVisible()).toBe(false);
		expect(errors).toEqual([]);
	});

	it('keeps find, the note menu, its colour submenu and the visibility dialog inside a phone’s screen', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Telefoonmenu', facilitatorName: 'Kim' });
		await seed(scope, app, practice);
		const { page, errors } = await openBoard({ app, newPage }, practice, PHONE);
		const MARGIN = 8;
		const inside = async (locator: Locator) => {
			const r = await box(locator);
			return r.x >= MARGIN && r.y >= MARGIN && r.x + r.width <= PHONE.width - MARGIN && r.y + r.height <= PHONE.height - MARGIN;
		};
		// Find, opened above the canvas, fits the phone too.
		await page.getByRole('button', { name: 'Zoeken', exact: true }).tap();
		const find = page.getByRole('search', { name: 'Zoeken in notities' });
		await find.waitFor();
		expect(await inside(find)).toBe(true);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
		await page.getByRole('button', { name: 'Zoeken sluiten' }).tap();

		// The note in my lane: the one with every item (visibility too).
		const note = page.locator('section.lane.mine article.note', { hasText: 'Wat ik meeneem' });
		const colour = () => note.evaluate((el) => getComputedStyle(el).backgroundColor);
		const yellow = await colour();
		await note.getByRole('button', { name: /^Acties voor/ }).tap();
		const menu = page.getByRole('menu').first();
		await menu.waitFor();
		await page.getByRole('menuitem', { name: 'Kleur' }).tap();
		// The submenu is the second menu open.
		const colours = page.getByRole('menu').nth(1);
		await colours.waitFor();
		expect(await colours.getByRole('menuitemradio').count()).toBe(7);
		expect(await inside(menu)).toBe(true);
		expect(await inside(colours)).toBe(true);
		expect(await violations(page)).toEqual([]);
		// The submenu works by touch: a colour is chosen.
		await page.getByRole('menuitemradio', { name: 'oranje' }).tap();
		await expect.poll(() => page.getByRole('menu').count()).toBe(0);
		await expect.poll(colour).not.toBe(yellow);

		await note.getByRole('button', { name: /^Acties voor/ }).tap();
		await page.getByRole('menuitem', { name: 'Zichtbaarheid…' }).tap();
		const dialog = page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		await dialog.waitFor();
		expect(await inside(dialog)).toBe(true);
		expect(errors).toEqual([]);
	});
});
