import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { addNoteTo, joinWith, LAPTOP, screenOptions, violations } from '../helpers/board.ts';

describe('accessibility scans (axe, WCAG 2.1 AA + 2.2 target size)', () => {
	it('finds nothing on the start, join, overview, board (with a menu and the visibility dialog open) and timeline pages', async ({ app, newPage }) => {
		const { page, errors } = await newPage(screenOptions(LAPTOP));
		await page.goto(app.url);
		await page.getByRole('heading', { level: 1 }).waitFor();
		expect(await violations(page), 'start page').toEqual([]);
		// The scan does see faults: a nameless button and low-contrast text are reported.
		await page.evaluate(() => {
			const probe = document.createElement('div');
			probe.id = 'axe-probe';
			probe.innerHTML = '<button type="button"></button><p style="color:#bbb;background:#fff">faint</p>';
			document.body.append(probe);
		});
		expect((await violations(page)).map((v) => v.split(':')[0]).sort()).toEqual(['button-name', 'color-contrast']);
		await page.evaluate(() => document.getElementById('axe-probe')?.remove());

		const practice = await createPracticeViaApi(app, { name: 'Toegankelijk', facilitatorName: 'Fem' });
		await page.goto(practice.links.participant);
		await page.getByLabel('Jouw naam').waitFor();
		expect(await violations(page), 'join page').toEqual([]);

		const ann = await joinWith(newPage, practice.links.participant, 'Ann');
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${practice.id}`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		expect(await violations(page), 'overview').toEqual([]);

		// A board with notes of every kind: mine, someone else's, in Samen with a citation.
		const board = `${app.url}/p/${practice.id}/b/intentie`;
		await ann.page.goto(board);
		const annLane = ann.page.locator('section.lane.mine');
		await addNoteTo(annLane, 'Wat Ann leerde');
		await page.goto(board);
		const mine = page.locator('section.lane.mine');
		await addNoteTo(mine, 'Wat Fem leerde');
		const note = mine.locator('article.note', { hasText: 'Wat Fem leerde' });
		await note.getByRole('button', { name: /^Acties voor/ }).click();
		await page.getByRole('menuitem', { name: 'Inbrengen in Samen' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Als nieuwe notitie in Samen' }).click();
		await expect.poll(() => page.locator('section.lane.collective article.note').count()).toBe(1);
		await expect.poll(() => page.locator('article.note', { hasText: 'Wat Ann leerde' }).count()).toBe(1);
		expect(await violations(page), 'board').toEqual([]);

		await note.getByRole('button', { name: /^Acties voor/ }).click();
		await page.getByRole('menu').waitFor();
		expect(await violations(page), 'board with a note menu open').toEqual([]);
		await page.getByRole('menuitem', { name: 'Zichtbaarheid…' }).click();
		await page.getByRole('dialog', { name: 'Wie ziet deze notitie?' }).waitFor();
		expect(await violations(page), 'board with the visibility dialog open').toEqual([]);
		await page.keyboard.press('Escape');

		await page.goto(`${board}/history`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		await expect.poll(() => page.getByRole('slider').count()).toBeGreaterThan(0);
		expect(await violations(page), 'timeline').toEqual([]);

		// The board on a phone, where target sizes matter most.
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto(board);
		await expect.poll(() => page.locator('article.note').count()).toBeGreaterThan(2);
		expect(await violations(page), 'board on a phone').toEqual([]);
		expect(errors).toEqual([]);
	});
});
