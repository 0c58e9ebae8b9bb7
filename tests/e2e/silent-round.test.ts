import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { facilitatorTool, addNoteTo, practiceWith } from '../helpers/board.ts';

/** Records in the page when each text first shows up on the board. */
async function watchFor(page: Page, texts: string[]) {
	await page.evaluate((wanted) => {
		const seen: Record<string, number> = {};
		(window as unknown as { __seen: Record<string, number> }).__seen = seen;
		new MutationObserver(() => {
			for (const text of wanted) if (!seen[text] && document.body.innerText.includes(text)) seen[text] = performance.now();
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	}, texts);
	return () => page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
}

describe('a silent round, in three browsers', () => {
	it('keeps notes invisible to the others until the reveal, then shows them together', async ({ app, newPage }) => {
		const { practice, facilitator: fenna, participants: [ahmed, bo] } = await practiceWith({ app, newPage }, { name: 'Stilte', facilitatorName: 'Fenna' }, ['Ahmed', 'Bo']);
		const board = `${app.url}/p/${practice.id}/b/intentie`;
		for (const p of [fenna, ahmed, bo]) await p.page.goto(board);
		await expect.poll(() => fenna.page.locator('section.lane').count()).toBe(6);

		// The facilitator starts a five-minute round; everyone sees the countdown.
		await (await facilitatorTool(fenna.page, 'Minuten')).fill('5');
		await (await facilitatorTool(fenna.page, 'Start stille ronde')).click();
		for (const p of [fenna, ahmed, bo]) {
			await expect.poll(() => p.page.getByRole('timer').innerText()).toMatch(/nog [45]:\d\d/);
		}

		// Ahmed writes and chooses to be anonymous at the reveal; Bo writes (shared, the default).
		await addNoteTo(ahmed.page.locator('section.lane.mine'), 'Ik durf dit alleen anoniem');
		const ahmedsNote = ahmed.page.locator('section.lane.private article.note', { hasText: 'Ik durf dit alleen anoniem' });
		await expect.poll(() => ahmedsNote.locator('.state').innerText()).toBe('Stille ronde, daarna: De groep, met je naam');
		// What it becomes at the reveal is chosen in the visibility dialog and confirmed.
		await ahmedsNote.getByRole('button', { name: /^Acties voor/ }).click();
		await ahmed.page.getByRole('menuitem', { name: 'Zichtbaarheid…' }).click();
		const dialog = ahmed.page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		await dialog.getByRole('radio', { name: /De groep, anoniem/ }).check();
		await dialog.getByRole('button', { name: 'Bevestigen' }).click();
		await expect.poll(() => ahmedsNote.locator('.state').innerText()).toBe('Stille ronde, daarna: De groep, anoniem');

		await addNoteTo(bo.page.locator('section.lane.mine'), 'Wij willen de wijk versterken');

		// Others see only counts, and who is ready.
		await expect.poll(() => fenna.page.getByText('2 notities van 2 mensen').count()).toBe(1);
		await ahmed.page.getByRole('button', { name: 'Ik ben klaar' }).click();
		await expect.poll(() => fenna.page.getByText('Klaar: Ahmed').count()).toBe(1);
		for (const [p, hidden] of [
			[fenna, ['Ik durf dit alleen anoniem', 'Wij willen de wijk versterken']],
			[ahmed, ['Wij willen de wijk versterken']],
			[bo, ['Ik durf dit alleen anoniem']]
		] as const) {
			for (const text of hidden) expect(await p.page.locator('body').innerText()).not.toContain(text);
		}

		// The reveal: both notes appear for everyone at the same moment, as each author chose.
		const seenByFenna = await watchFor(fenna.page, ['Ik durf dit alleen anoniem', 'Wij willen de wijk versterken']);
		await fenna.page.getByRole('button', { name: 'Nu onthullen' }).click();
		await expect.poll(async () => Object.keys(await seenByFenna()).length, { timeout: 10000 }).toBe(2);
		const times = Object.values(await seenByFenna());
		expect(Math.abs(times[0] - times[1])).toBeLessThan(500);

		for (const p of [fenna, bo]) {
			const anonymous = p.page.locator('section.lane.anonymous article.note', { hasText: 'Ik durf dit alleen anoniem' });
			await expect.poll(() => anonymous.count()).toBe(1);
			// Not in Ahmed's own lane, and nowhere with his name.
			await expect.poll(() => p.page.locator('section.lane', { hasText: 'Notities van Ahmed' }).locator('article.note').count()).toBe(0);
		}
		const bosNote = fenna.page.locator('section.lane', { hasText: 'Notities van Bo' }).locator('article.note', { hasText: 'Wij willen de wijk versterken' });
		await expect.poll(() => bosNote.count()).toBe(1);
		await expect.poll(() => fenna.page.getByRole('timer').count()).toBe(0);
		for (const p of [fenna, ahmed, bo]) expect(p.errors).toEqual([]);
	});
});
