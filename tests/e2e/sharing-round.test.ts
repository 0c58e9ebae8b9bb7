import { describe, expect, it } from '../helpers/fixture.ts';
import type { Locator, Page } from 'playwright-core';
import { facilitatorTool, addNoteTo, practiceWith, violations } from '../helpers/board.ts';

/** Whether a note's card lies wholly inside the canvas's visible area. */
async function inView(page: Page, note: Locator): Promise<boolean> {
	const box = await note.boundingBox();
	const canvas = await page.locator('.canvas').boundingBox();
	if (!box || !canvas) return false;
	return box.x >= canvas.x && box.y >= canvas.y && box.x + box.width <= canvas.x + canvas.width && box.y + box.height <= canvas.y + canvas.height;
}

/** Whether an element lies wholly inside the window. */
const inWindow = (el: Locator) =>
	el.evaluate((e) => {
		const r = e.getBoundingClientRect();
		return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
	});

/** A note on the canvas as the group sees it (its author also has an anonymous note in their private lane). */
const frameOf = (page: Page, text: string) => page.locator('section.lane:not(.private) .note-frame', { hasText: text });
const banner = (page: Page) => page.locator('section.sharing');

describe('a sharing round, in three browsers', () => {
	it('goes round Fenna, Ahmed and Bo, then the anonymous notes: each step highlighted and in view on every screen', async ({ app, newPage }) => {
		const { practice, facilitator: fenna, participants: [ahmed, bo] } = await practiceWith({ app, newPage }, { name: 'Delen', facilitatorName: 'Fenna' }, ['Ahmed', 'Bo']);
		const board = `${app.url}/p/${practice.id}/b/intentie`;
		const people = [fenna, ahmed, bo];
		for (const p of people) await p.page.goto(board);
		await expect.poll(() => fenna.page.locator('section.lane').count()).toBe(6);

		// A silent round: each writes a note to share; Ahmed also one to show anonymously.
		await (await facilitatorTool(fenna.page, 'Minuten')).fill('5');
		await (await facilitatorTool(fenna.page, 'Start stille ronde')).click();
		for (const p of people) await expect.poll(() => p.page.getByRole('timer').count()).toBe(1);
		// No sharing round while the silent round runs: Begeleiden says when it can.
		const panel = fenna.page.getByRole('dialog', { name: 'Begeleiden' });
		if (!(await panel.isVisible())) await fenna.page.getByRole('button', { name: 'Begeleiden' }).click();
		await expect.poll(() => panel.getByText('Kan zodra je een stille ronde hebt laten zien.').count()).toBe(1);
		expect(await panel.getByRole('button', { name: 'Rondje delen' }).count()).toBe(0);
		await fenna.page.keyboard.press('Escape');
		await panel.waitFor({ state: 'hidden' });
		await addNoteTo(fenna.page.locator('section.lane.mine'), 'Fenna vertelt');
		await addNoteTo(ahmed.page.locator('section.lane.mine'), 'Ahmed vertelt');
		await addNoteTo(ahmed.page.locator('section.lane.mine'), 'Zonder naam gezegd');
		const anonymousNote = ahmed.page.locator('section.lane.private article.note', { hasText: 'Zonder naam gezegd' });
		await anonymousNote.getByRole('button', { name: /^Acties voor/ }).click();
		await ahmed.page.getByRole('menuitem', { name: 'Zichtbaarheid…' }).click();
		const dialog = ahmed.page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		await dialog.getByRole('radio', { name: /De groep, anoniem/ }).check();
		await dialog.getByRole('button', { name: 'Bevestigen' }).click();
		await addNoteTo(bo.page.locator('section.lane.mine'), 'Bo vertelt');
		await expect.poll(() => fenna.page.getByText('4 notities van 3 mensen').count()).toBe(1);
		await fenna.page.getByRole('button', { name: 'Nu onthullen' }).click();
		for (const p of people) await expect.poll(() => frameOf(p.page, 'Zonder naam gezegd').count(), { timeout: 10000 }).toBe(1);

		// Only the facilitator may start one: the others have no Begeleiden at all (and the server refuses them: integration/sharing-round).
		for (const p of [ahmed, bo]) expect(await p.page.getByRole('button', { name: 'Begeleiden' }).count()).toBe(0);
		expect(await fenna.page.getByRole('button', { name: 'Begeleiden' }).count()).toBe(1);
		await (await facilitatorTool(fenna.page, 'Rondje delen')).click();

		const steps = [
			{ who: 'Fenna', text: 'Fenna vertelt', others: ['Ahmed vertelt', 'Bo vertelt', 'Zonder naam gezegd'] },
			{ who: 'Ahmed', text: 'Ahmed vertelt', others: ['Fenna vertelt', 'Bo vertelt', 'Zonder naam gezegd'] },
			{ who: 'Bo', text: 'Bo vertelt', others: ['Fenna vertelt', 'Ahmed vertelt', 'Zonder naam gezegd'] },
			{ who: 'de anonieme notities', text: 'Zonder naam gezegd', others: ['Fenna vertelt', 'Ahmed vertelt', 'Bo vertelt'] }
		];
		/** Every screen: the banner names the step, its note glows and is in view, the others are dimmed. */
		const showsStep = async (n: number) => {
			const step = steps[n];
			for (const p of people) {
				await expect.poll(() => banner(p.page).locator('h2').innerText()).toBe(`Rondje delen — stap ${n + 1} van 4: ${step.who}`);
				const frame = frameOf(p.page, step.text);
				await expect.poll(() => frame.getAttribute('class')).toMatch(/\bsharing\b/);
				await expect.poll(() => inView(p.page, frame), { message: `${step.text} in view for ${n}` }).toBe(true);
				for (const other of step.others) expect(await frameOf(p.page, other).getAttribute('class')).toMatch(/\bsharing-dim\b/);
			}
		};

		await showsStep(0);
		// Fenna's own step: Ahmed and Bo have no button to move it; Bo's request to move it is refused by the server.
		for (const p of [ahmed, bo]) expect(await banner(p.page).getByRole('button').count()).toBe(0);
		const refused = await bo.page.evaluate(async (url) => {
			const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 0 }) });
			return { status: res.status, body: await res.json() };
		}, `/api/practices/${practice.id}/boards/intentie/activities/sharing-round/next`);
		expect(refused).toMatchObject({ status: 403, body: { code: 'not-your-turn' } });
		await fenna.page.getByRole('button', { name: 'Volgende' }).click();
		await showsStep(1);

		// Ahmed's turn: he says he is done.
		expect(await banner(bo.page).getByRole('button').count()).toBe(0);
		await ahmed.page.getByRole('button', { name: 'Ik ben klaar' }).click();
		await showsStep(2);

		// Bo looks at the list on a small screen: his note glows there; the next step's note is scrolled into view.
		await bo.page.setViewportSize({ width: 390, height: 640 });
		await bo.page.getByRole('button', { name: 'Lijst', exact: true }).click();
		const item = bo.page.locator('.lane-list .item', { hasText: 'Bo vertelt' });
		await expect.poll(() => item.getAttribute('class')).toMatch(/\bsharing\b/);
		await expect.poll(() => bo.page.locator('.lane-list .item', { hasText: 'Ahmed vertelt' }).getAttribute('class')).toMatch(/\bsharing-dim\b/);
		await bo.page.getByRole('button', { name: 'Ik ben klaar' }).first().click();
		const anonymousItem = bo.page.locator('.lane-list .item', { hasText: 'Zonder naam gezegd' });
		await expect.poll(() => anonymousItem.getAttribute('class')).toMatch(/\bsharing\b/);
		await expect.poll(() => inWindow(anonymousItem), { message: 'the anonymous note scrolled into view' }).toBe(true);
		expect(await violations(bo.page)).toEqual([]);
		await bo.page.setViewportSize({ width: 1400, height: 1000 });
		await bo.page.getByRole('button', { name: 'Bord', exact: true }).click();
		await showsStep(3);
		expect(await violations(fenna.page)).toEqual([]);

		// The facilitator goes back a step and on again, then finishes: no banner, no highlight.
		await fenna.page.getByRole('button', { name: 'Vorige' }).click();
		await showsStep(2);
		await fenna.page.getByRole('button', { name: 'Volgende' }).click();
		await showsStep(3);
		await fenna.page.getByRole('button', { name: 'Afronden' }).click();
		for (const p of people) {
			await expect.poll(() => banner(p.page).count()).toBe(0);
			await expect.poll(() => p.page.locator('.note-frame.sharing, .note-frame.sharing-dim').count()).toBe(0);
		}
		for (const p of people) expect(p.errors).toEqual([]);
	});
});
