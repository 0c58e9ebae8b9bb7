import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { facilitatorTool, BOARD, practiceWith, violations, writeNotes } from '../helpers/board.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';

/** Everything a page receives about the board while it runs: vote responses and websocket frames. */
/** Presence (awareness) names who is on the board, as it always does: not part of what a vote may not tell. */
const withoutPresence = (frames: string[]) => frames.join('\n').replace(/\{"user":\{[^}]*\}[^}]*\}/g, '');

function record(page: Page) {
	const seen: string[] = [];
	page.on('response', (res) => {
		if (res.url().includes('/activities/vote')) void res.text().then((t) => seen.push(t), () => {});
	});
	page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => seen.push(typeof payload === 'string' ? payload : payload.toString('latin1'))));
	return seen;
}

describe('a dot vote, in three browsers', () => {
	it('lets two participants place dots unseen by anyone, then shows the notes ranked', async ({ app, newPage, scope }) => {
		const { practice, facilitator: fenna, participants: [ahmed, bo] } = await practiceWith({ app, newPage }, { name: 'Stippen', facilitatorName: 'Fenna' }, ['Ahmed', 'Bo']);
		const by = practice.facilitator.id as MemberId;
		await writeNotes(scope, app, collectiveDoc(practice.id as PracticeId, BOARD), practice.facilitator.token, [
			{ createdBy: by, at: 1, text: 'Vaker samen eten' },
			{ createdBy: by, at: 2, text: 'Minder mail' },
			{ createdBy: by, at: 3, text: 'Een vaste koffieronde' }
		]);
		const exported = (await (await fetch(`${app.url}/api/practices/${practice.id}/export`, { headers: { authorization: `Bearer ${practice.facilitator.token}` } })).json()) as {
			members: { id: string; name: string }[];
		};
		const ids = exported.members.map((m) => m.id);
		expect(ids).toHaveLength(3);

		const board = `${app.url}/p/${practice.id}/b/${BOARD}`;
		// What Bo's and the facilitator's browsers receive, from before they open the board (a socket opened earlier is not heard).
		const heard = { fenna: record(fenna.page), bo: record(bo.page) };
		for (const p of [fenna, ahmed, bo]) await p.page.goto(board);
		const note = (page: Page, text: string) => page.locator('article.note', { hasText: text });
		await expect.poll(() => note(bo.page, 'Minder mail').count()).toBe(1);

		// The facilitator opens a vote of three dots per person.
		await (await facilitatorTool(fenna.page, 'Stemmen')).click();
		await expect.poll(() => fenna.page.getByLabel('Stippen per persoon').inputValue()).toBe('3');
		// Everything before the vote (the first sync names every member) is not what the vote sends.
		for (const seen of Object.values(heard)) seen.length = 0;
		await fenna.page.getByRole('button', { name: 'Stemming openen' }).click();
		for (const p of [fenna, ahmed, bo]) await expect.poll(() => p.page.getByText('Je hebt nog 3 stippen').count()).toBe(1);

		// Ahmed, in the list view, clicks: two on "Vaker samen eten", one on "Minder mail".
		await ahmed.page.getByRole('button', { name: 'Lijst', exact: true }).click();
		await ahmed.page.locator('.lane-list').waitFor();
		const place = (page: Page, text: string) => note(page, text).getByRole('button', { name: /^Stip zetten op deze notitie/ });
		await place(ahmed.page, 'Vaker samen eten').click();
		await expect.poll(() => ahmed.page.getByText('Je hebt nog 2 stippen').count()).toBe(1);
		await place(ahmed.page, 'Vaker samen eten').click();
		await expect.poll(() => ahmed.page.getByText('Je hebt nog 1 stip').count()).toBe(1);
		await place(ahmed.page, 'Minder mail').click();
		await expect.poll(() => ahmed.page.getByText('Al je stippen staan').count()).toBe(1);
		// All placed: no more buttons to place with; taking one back works.
		await expect.poll(() => place(ahmed.page, 'Een vaste koffieronde').isDisabled()).toBe(true);
		await note(ahmed.page, 'Minder mail').getByRole('button', { name: 'Stip terugnemen van deze notitie' }).click();
		await expect.poll(() => ahmed.page.getByText('Je hebt nog 1 stip').count()).toBe(1);
		await place(ahmed.page, 'Minder mail').click();
		await expect.poll(() => ahmed.page.getByText('Al je stippen staan').count()).toBe(1);

		// Bo, on the canvas, uses the keyboard: one on "Vaker samen eten", two on "Een vaste koffieronde".
		const mine = (text: string) => note(bo.page, text).locator('.mine .dot').count();
		for (const [text, after] of [['Vaker samen eten', 1], ['Een vaste koffieronde', 1], ['Een vaste koffieronde', 2]] as const) {
			await place(bo.page, text).focus();
			await bo.page.keyboard.press('Enter');
			await expect.poll(() => mine(text), { message: `Bo's dots on ${text}` }).toBe(after);
		}
		await expect.poll(() => bo.page.getByText('Al je stippen staan').count()).toBe(1);
		await expect.poll(() => fenna.page.getByText('2 mensen hebben alle stippen gezet').count()).toBe(1);
		// The banner, the dots on the canvas (Bo) and in the list (Ahmed) pass axe.
		for (const p of [fenna, ahmed, bo]) expect(await violations(p.page)).toEqual([]);

		// Nobody sees totals or who voted for what while it is open: not on the screen, not in a response or frame.
		for (const p of [fenna, ahmed, bo]) {
			expect(await p.page.locator('.standing').count()).toBe(0);
			expect(await p.page.getByText('Uitslag van de stemming').count()).toBe(0);
		}
		expect(await note(bo.page, 'Vaker samen eten').locator('.mine').getAttribute('aria-label')).toBe('1 stip van jou');
		for (const [who, seen] of Object.entries(heard)) {
			// Frames came (the vote's own updates among them), and the responses to Bo's own requests.
			expect(seen.filter((x) => x.includes('perNote')).length, who).toBeGreaterThan(0);
			const all = withoutPresence(seen);
			expect(all, who).not.toContain('total');
			expect(all, who).not.toContain('"result":[');
			for (const id of ids) expect(all.includes(id), `${who} received a member id during the vote`).toBe(false);
		}

		// Closing: everyone sees the notes ranked with their totals.
		await fenna.page.getByRole('button', { name: 'Stemming sluiten' }).click();
		for (const p of [fenna, ahmed, bo]) {
			const result = p.page.locator('details.result ol li');
			const texts = async () => (await result.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
			await expect.poll(texts).toEqual(['1 Vaker samen eten 3 stippen', '2 Een vaste koffieronde 2 stippen', '3 Minder mail 1 stip']);
			await expect.poll(() => note(p.page, 'Vaker samen eten').locator('.standing .visually-hidden').textContent()).toBe('Plaats 1 in de stemming: 3 stippen');
			await expect.poll(() => p.page.getByRole('button', { name: /^Stip zetten/ }).count()).toBe(0);
		}
		for (const [who, seen] of Object.entries(heard)) {
			const all = withoutPresence(seen);
			for (const id of ids) expect(all.includes(id), `${who} received a member id at the close`).toBe(false);
		}
		for (const p of [fenna, ahmed]) expect(await violations(p.page)).toEqual([]);

		// The report shows the vote, ranked, with totals and no voters.
		await ahmed.page.goto(`${app.url}/p/${practice.id}/report`);
		const part = ahmed.page.locator('.part.votes', { has: ahmed.page.getByRole('heading', { name: 'Stemmingen' }) });
		await expect.poll(async () => (await part.locator('ol li').allInnerTexts()).map((x) => x.replace(/\s+/g, ' '))).toEqual([
			'3 stippen: “Vaker samen eten”',
			'2 stippen: “Een vaste koffieronde”',
			'1 stip: “Minder mail”'
		]);
		for (const p of [fenna, ahmed, bo]) expect(p.errors).toEqual([]);
	});
});
