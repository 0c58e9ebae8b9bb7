import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { addNoteTo, practiceWith } from '../helpers/board.ts';

const collective = (page: Page) => page.locator('section[data-lane-key="collective"]');

describe('note actions seen by another person', () => {
	it('pointer, drag within and across lanes, colour and delete', async ({ app, newPage }) => {
		const { practice, facilitator: fem, participants: [ann] } = await practiceWith({ app, newPage }, { name: 'Acties', facilitatorName: 'Fem' }, ['Ann']);
		const board = `${app.url}/p/${practice.id}/b/context`;
		await fem.page.goto(board);
		await ann.page.goto(board);
		// Collective, my private lane, my lane, the anonymous lane, and the other person's lane.
		await expect.poll(() => ann.page.locator('section.lane').count()).toBe(5);

		// Fem's pointer over the collective lane shows on Ann's screen with Fem's name.
		const box = (await collective(fem.page).locator('.area').boundingBox())!;
		// (Samen is wider than the screen at the opening scale: stay inside what Fem sees.)
		await fem.page.mouse.move(box.x + 300, box.y + 100);
		await fem.page.mouse.move(box.x + 320, box.y + 120);
		await expect.poll(() => collective(ann.page).getByRole('img', { name: 'Aanwijzer van Fem' }).count()).toBe(1);

		// Ann writes in her own lane, then drags the note into the collective lane.
		const annLane = ann.page.locator('section.lane.mine');
		await addNoteTo(annLane, 'Onze regio werkt goed samen');
		const note = annLane.locator('article.note');
		const from = (await note.boundingBox())!;
		const target = (await collective(ann.page).locator('.area').boundingBox())!;
		await ann.page.mouse.move(from.x + 20, from.y + 10);
		await ann.page.mouse.down();
		await ann.page.mouse.move(from.x + 60, from.y - 40, { steps: 4 });
		await ann.page.mouse.move(target.x + 300, target.y + 80, { steps: 8 });
		await ann.page.mouse.up();
		const moved = collective(fem.page).locator('article.note', { hasText: 'Onze regio werkt goed samen' });
		await expect.poll(() => moved.count()).toBe(1);
		await expect.poll(() => fem.page.locator('section.lane:not(.collective) article.note').count()).toBe(0);

		// Fem drags it to the right within the lane; Ann sees it move.
		const left = () => collective(ann.page).locator('article.note').evaluate((el) => el.getBoundingClientRect().left);
		const before = await left();
		const at = (await moved.boundingBox())!;
		await fem.page.mouse.move(at.x + 15, at.y + 8);
		await fem.page.mouse.down();
		await fem.page.mouse.move(at.x + 215, at.y + 28, { steps: 8 });
		await fem.page.mouse.up();
		await expect.poll(async () => (await left()) - before).toBeGreaterThan(100);

		// Colour: Fem picks green; Ann sees the green background.
		await moved.getByRole('button', { name: /^Acties voor/ }).click();
		await fem.page.getByRole('menuitem', { name: 'Kleur' }).click();
		await fem.page.getByRole('menuitemradio', { name: 'groen' }).click();
		await expect.poll(() => collective(ann.page).locator('article.note').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(210, 242, 207)');

		// Delete (after confirming): gone for Ann too.
		fem.page.once('dialog', (d) => void d.accept());
		await moved.getByRole('button', { name: /^Acties voor/ }).click();
		await fem.page.getByRole('menuitem', { name: 'Verwijderen' }).click();
		await expect.poll(() => collective(ann.page).locator('article.note').count()).toBe(0);
		expect(fem.errors).toEqual([]);
		expect(ann.errors).toEqual([]);
	});
});
