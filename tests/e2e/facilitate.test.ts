import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { BOARD, joinWith, LAPTOP, openBoard, PHONE, screenOptions, violations } from '../helpers/board.ts';

/**
 * "Begeleiden": the facilitator's one control in the board's header, a popover
 * over the canvas with what a facilitator starts, in two groups.
 */
describe('Begeleiden, the facilitator’s popover', () => {
	it('opens by keyboard over the canvas, in two groups, passes axe, closes with Escape back to its button; a phone gets it full width', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Begeleiden', facilitatorName: 'Fenna' });
		for (const size of [LAPTOP, PHONE]) {
			const { page, errors } = await openBoard({ app, newPage }, practice, size);
			const trigger = page.getByRole('button', { name: 'Begeleiden' });
			const panel = page.getByRole('dialog', { name: 'Begeleiden' });
			const canvasTop = (await page.locator('.canvas').boundingBox())!.y;
			// Enter on the button opens it; it floats over the canvas (the canvas stays where it was).
			await trigger.focus();
			await page.keyboard.press('Enter');
			await panel.waitFor();
			expect(await trigger.getAttribute('aria-expanded')).toBe('true');
			expect((await page.locator('.canvas').boundingBox())!.y).toBe(canvasTop);
			expect(await panel.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual(['SAMEN WERKEN', 'IN DE RUIMTE']);
			for (const name of ['Start stille ronde', 'Bord openen voor bijdragen', 'Stemmen', 'Op het scherm zetten', 'Iedereen hierheen', 'Presenteren']) {
				expect(await panel.getByText(name, { exact: true }).count(), name).toBe(1);
			}
			// Before a reveal, the sharing round says when it can start.
			expect(await panel.getByText('Kan zodra je een stille ronde hebt laten zien.').count()).toBe(1);
			const box = (await panel.boundingBox())!;
			expect(box.y + box.height).toBeLessThanOrEqual(size.height);
			if (size.touch) {
				// As wide as the phone (less a margin), and it scrolls rather than running off the screen.
				expect(box.width).toBeGreaterThanOrEqual(size.width - 20);
				expect(await panel.evaluate((el) => el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY === 'auto')).toBe(true);
			}
			expect(await violations(page)).toEqual([]);
			// Escape closes it; focus is back on the button. Space opens it again.
			await page.keyboard.press('Escape');
			await expect.poll(() => panel.count()).toBe(0);
			expect(await trigger.evaluate((el) => el === document.activeElement)).toBe(true);
			await page.keyboard.press('Space');
			await panel.waitFor();
			// "Op het scherm zetten" closes it and opens the pairing dialog; closing that returns to the button.
			await panel.getByRole('button', { name: 'Op het scherm zetten' }).click();
			const pairing = page.getByRole('dialog', { name: 'Op het scherm zetten' });
			await expect.poll(() => pairing.locator('[data-code]').count()).toBe(1);
			expect(await panel.count()).toBe(0);
			await pairing.getByRole('button', { name: 'Sluiten' }).click();
			await expect.poll(() => trigger.evaluate((el) => el === document.activeElement)).toBe(true);
			expect(errors).toEqual([]);
		}

		// A participant has no such control.
		const piet = await joinWith(newPage, practice.links.participant, 'Piet', screenOptions(LAPTOP));
		await piet.page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
		await piet.page.locator('.canvas').waitFor();
		expect(await piet.page.getByRole('button', { name: 'Begeleiden' }).count()).toBe(0);
	});
});
