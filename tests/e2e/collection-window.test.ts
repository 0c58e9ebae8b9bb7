import { describe, expect, it } from '../helpers/fixture.ts';
import { facilitatorTool, addNoteTo, practiceWith } from '../helpers/board.ts';

const QUESTION = 'Wie of wat heeft jou deze maand verder geholpen?';

describe('a collection window, in three browsers', () => {
	it('shows the question on the board, the deadline on the overview, and who contributed to the facilitator', async ({ app, newPage }) => {
		const { practice, facilitator: fenna, participants: [ahmed, bo] } = await practiceWith({ app, newPage }, { name: 'Tussendoor', facilitatorName: 'Fenna' }, ['Ahmed', 'Bo']);
		const overview = `${app.url}/p/${practice.id}`;
		const board = `${overview}/b/actanten`;

		// The facilitator opens the board with her own question, until three days from now at 17:00 (her local time).
		await fenna.page.goto(board);
		await (await facilitatorTool(fenna.page, 'Bord openen voor bijdragen')).click();
		const deadline = await fenna.page.evaluate(() => {
			const d = new Date(Date.now() + 3 * 86_400_000);
			d.setHours(17, 0, 0, 0);
			const pad = (n: number) => String(n).padStart(2, '0');
			return { value: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T17:00`, day: d.toLocaleDateString('nl-NL', { weekday: 'long', day: 'numeric', month: 'long' }) };
		});
		await fenna.page.getByLabel('Open tot').fill(deadline.value);
		await fenna.page.getByLabel('Vraag', { exact: true }).fill(QUESTION);
		await fenna.page.getByRole('button', { name: 'Openen voor bijdragen' }).click();
		// Opened: "Begeleiden" closes and the board shows the window to her too.
		await expect.poll(() => fenna.page.getByRole('region', { name: /Open voor bijdragen tot/ }).count()).toBe(1);
		expect(await fenna.page.getByRole('dialog', { name: 'Begeleiden' }).count()).toBe(0);

		// A participant sees the question prominently on the board, with the deadline.
		await ahmed.page.goto(board);
		const banner = ahmed.page.getByRole('region', { name: /Open voor bijdragen tot/ });
		await expect.poll(() => banner.count()).toBe(1);
		expect(await banner.locator('.question').innerText()).toBe(QUESTION);
		expect(await banner.innerText()).toContain(`Open voor bijdragen tot ${deadline.day} om 17:00`);
		expect(await banner.innerText()).toMatch(/nog [234] dagen/);
		expect(await ahmed.page.getByText('Bord openen voor bijdragen').count()).toBe(0);
		expect(await ahmed.page.getByRole('button', { name: 'Begeleiden' }).count()).toBe(0);

		// And the deadline on the overview.
		await bo.page.goto(overview);
		const card = bo.page.getByRole('link', { name: /Actanten/ });
		await expect.poll(() => card.innerText()).toContain(`Open voor bijdragen tot ${deadline.day} om 17:00`);
		expect(await card.innerText()).toContain(QUESTION);
		// Counts are for facilitators only.
		expect(await bo.page.getByText('Bijdragen per persoon').count()).toBe(0);

		// Ahmed adds a note (shared, the practice's default) and it is saved.
		await addNoteTo(ahmed.page.locator('section.lane.mine'), 'De buurtbibliotheek');
		await expect.poll(() => ahmed.page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);

		// The facilitator's overview: Ahmed 1, Bo 0 (highlighted), no content.
		await fenna.page.goto(overview);
		const counts = fenna.page.getByRole('list', { name: 'Bijdragen per persoon' });
		const entry = (name: string) => counts.getByRole('listitem').filter({ hasText: name });
		await expect.poll(() => entry('Ahmed').count()).toBe(1);
		expect(await entry('Ahmed').innerText()).toMatch(/^Ahmed\s+1$/);
		expect(await entry('Bo').innerText()).toMatch(/^Bo\s+0\s+\(nog geen bijdrage\)$/);
		expect(await entry('Fenna').innerText()).toMatch(/^Fenna\s+0/);
		expect(await entry('Bo').locator('.none').count()).toBe(1);
		expect(await entry('Ahmed').locator('.none').count()).toBe(0);
		expect(await fenna.page.locator('body').innerText()).not.toContain('De buurtbibliotheek');
		expect(await fenna.page.getByRole('link', { name: /Actanten/ }).innerText()).toContain('Open voor bijdragen tot');

		// Closing it early: the banner goes, the board says it is closed.
		await fenna.page.goto(board);
		await (await facilitatorTool(fenna.page, 'Verzamelperiode aanpassen')).click();
		await fenna.page.getByRole('button', { name: 'Nu sluiten' }).click();
		await expect.poll(() => ahmed.page.getByRole('region', { name: /Open voor bijdragen tot/ }).count()).toBe(0);
		await expect.poll(() => ahmed.page.getByText(/Gesloten voor bijdragen sinds/).count()).toBe(1);

		for (const p of [fenna, ahmed, bo]) expect(p.errors).toEqual([]);
	});
});
