import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { addNoteTo, joinWith } from '../helpers/board.ts';

async function cookieOf(page: import('playwright-core').Page): Promise<string> {
	return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

describe('new since your last visit', () => {
	it('counts on the overview what others added or changed, marks it on the board, and clears as the member looks', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Tussen de bijeenkomsten', facilitatorName: 'Fenna' });
		const overview = `${app.url}/p/${practice.id}`;
		const board = `${overview}/b/intentie`;
		const ahmed = await joinWith(newPage, practice.links.participant, 'Ahmed');
		const bo = await joinWith(newPage, practice.links.participant, 'Bo');

		// Bo looks at the board once: nothing new there for Bo afterwards.
		await bo.page.goto(board);
		await expect.poll(() => bo.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);
		await bo.page.goto(overview);
		await expect.poll(() => bo.page.getByRole('link', { name: /Intentie/ }).innerText()).not.toContain('nieuw');

		// Between meetings, Ahmed writes a collective note.
		await ahmed.page.goto(board);
		await addNoteTo(ahmed.page.locator('section.lane.collective'), 'Wat we van de wijk leerden');
		await expect.poll(() => ahmed.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);

		// Bo's overview shows how much is new on that board, and only there.
		await bo.page.goto(overview);
		const card = bo.page.getByRole('link', { name: /Intentie/ });
		await expect.poll(() => card.innerText()).toContain('1 nieuw of gewijzigd');
		expect(await bo.page.getByRole('link', { name: /Normativiteit/ }).innerText()).not.toContain('nieuw');

		// On the board the note is marked; it clears once Bo has had it in view for a moment.
		await bo.page.goto(board);
		const note = bo.page.locator('article.note').filter({ hasText: 'Wat we van de wijk leerden' });
		await expect.poll(() => note.getAttribute('aria-label')).toMatch(/\(Nieuw\)$/);
		expect(await note.locator('.fresh-mark').innerText()).toBe('Nieuw');
		await expect.poll(() => note.locator('.fresh-mark').count(), { timeout: 15000 }).toBe(0);

		// The visit is recorded: back on the overview nothing is new any more.
		await bo.page.goto(overview);
		await expect.poll(() => bo.page.locator('.news').count()).toBe(0);
		expect(await card.innerText()).not.toContain('nieuw');
		// Ahmed's own note is not news to Ahmed: leaving the board counted as a visit.
		await ahmed.page.goto(overview);
		await expect.poll(() => ahmed.page.getByRole('heading', { name: 'Tussen de bijeenkomsten' }).count()).toBe(1);
		// (The visit is sent as the board page goes away, so it may land a moment after the overview asked.)
		const cookie = await cookieOf(ahmed.page);
		await expect
			.poll(async () => (await fetch(`${app.url}/api/practices/${practice.id}/news`, { headers: { cookie } }).then((r) => r.json())).boards.intentie)
			.toBe(0);
	});
});
