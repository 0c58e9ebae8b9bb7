import { mkdirSync } from 'node:fs';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { addNoteTo, collabUrl, practiceWith, SIZES, screenOptions, violations } from '../helpers/board.ts';
import { signIn } from '../helpers/browser.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { noteContent, notesMap } from '#lib/domain/notes.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import * as Y from 'yjs';

/**
 * A collective note's lineage in Chromium: Piet brings his note into Samen
 * during a meeting, Fenna rewrites it after; the note's "Geschiedenis" shows
 * Piet's note as its source and both steps with who, when and which meeting,
 * each linked into the board's timeline. The overview shows the figures as
 * charts with text summaries. Axe scans of both. With ZWERM_SHOTS=<dir> the
 * overview and the lineage are also captured at the three sizes.
 */
const board = 'intentie' as BoardId;
const shots = process.env.ZWERM_SHOTS;

async function meeting(page: Page, api: string, title: string, end = false) {
	const res = await page.request.post(`${api}/meetings`, { data: { title, date: '2026-12-06', agenda: [board] } });
	expect(res.status()).toBe(201);
	const { meeting: m } = (await res.json()) as { meeting: { id: string } };
	if (end) expect((await page.request.post(`${api}/meetings/${m.id}/end`)).ok()).toBe(true);
	return m.id;
}

describe('the lineage of a collective note', () => {
	it('shows the notes it grew from and its rewrites with who and when, linked into the timeline', async ({ app, newPage, connect }) => {
		const { practice, facilitator, participants } = await practiceWith({ app, newPage }, { name: 'Herkomst', facilitatorName: 'Fenna' }, ['Piet']);
		const fenna = facilitator.page;
		const [piet] = participants;
		const p = practice.id as PracticeId;
		const api = `${app.url}/api/practices/${p}`;
		const boardUrl = `${app.url}/p/${p}/b/${board}`;

		// Meeting 1: Piet writes a note and brings it into Samen.
		const m1 = await meeting(fenna, api, 'Eerste');
		await piet.page.goto(boardUrl);
		const lane = piet.page.locator('section.lane.mine');
		await addNoteTo(lane, 'De wijk weet meer dan wij');
		// It answers the aspect's dialogue question (the coverage map counts it, and its copy in Samen).
		await lane.locator('article.note', { hasText: 'De wijk weet meer dan wij' }).getByRole('button', { name: /^Acties voor/ }).click();
		await piet.page.getByRole('menuitem', { name: 'Antwoord op vraag…' }).click();
		await piet.page.getByRole('menuitemradio', { name: /Wat is de bedoeling van de lerende praktijk/ }).click();
		await expect.poll(() => piet.page.getByRole('menu').count()).toBe(0);
		await lane.locator('article.note', { hasText: 'De wijk weet meer dan wij' }).getByRole('button', { name: /^Acties voor/ }).click();
		await piet.page.getByRole('menuitem', { name: 'Inbrengen in Samen' }).click();
		await piet.page.getByRole('dialog').getByRole('button', { name: 'Als nieuwe notitie in Samen' }).click();
		await expect.poll(() => piet.page.locator('section.lane.collective article.note').count()).toBe(1);
		expect((await fenna.request.post(`${api}/meetings/${m1}/end`)).ok()).toBe(true);

		// Between meetings Fenna rewrites it (a script with her token).
		const collective = connect(collabUrl(app), collectiveDoc(p, board), practice.facilitator.token);
		await expect.poll(() => notesMap(collective.doc).size).toBe(1);
		const id = [...notesMap(collective.doc).keys()][0];
		const text = (noteContent(collective.doc, id as never).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, ', zegt Fenna');
		await collective.saved();
		await meeting(fenna, api, 'Tweede', true);

		// Fenna opens the note's history from its menu.
		await fenna.goto(boardUrl);
		const note = fenna.locator('section.lane.collective article.note', { hasText: 'zegt Fenna' });
		await note.getByRole('button', { name: /^Acties voor/ }).click();
		await fenna.getByRole('menuitem', { name: 'Geschiedenis' }).click();
		const dialog = fenna.getByRole('dialog', { name: 'Geschiedenis van deze notitie' });
		await expect.poll(() => dialog.locator('.steps li').count()).toBe(2);
		const sources = await dialog.locator('.sources li').allInnerTexts();
		expect(sources).toEqual([expect.stringMatching(/notitie van Piet\s+“De wijk weet meer dan wij”/)]);
		const steps = await dialog.locator('.steps li').allInnerTexts();
		expect(steps[0]).toMatch(/Piet bracht een notitie in[\s\S]*tijdens bijeenkomst 1 · \d/);
		expect(steps[1]).toMatch(/Fenna herschreef de notitie[\s\S]*vóór bijeenkomst 2 · \d/);
		expect(await violations(fenna), 'lineage dialog').toEqual([]);

		// Each step opens the board's timeline at its moment.
		const link = dialog.locator('.steps li').nth(1).getByRole('link', { name: 'Bekijk op de tijdlijn' });
		const href = await link.getAttribute('href');
		expect(href).toMatch(new RegExp(`^/p/${p}/b/${board}/history\\?at=\\d+$`));
		await link.click();
		await fenna.waitForURL(/\/history\?at=\d+/);
		await expect.poll(() => fenna.locator('.replay-board').first().innerText()).toContain('zegt Fenna');

		// What Piet receives over HTTP: his own figures (his note, brought in: two notes changed during meeting 1), none of Fenna's, no member id at all.
		const seen = await piet.page.request.get(`${api}/figures`);
		expect(seen.status()).toBe(200);
		const body = await seen.text();
		expect(body).not.toContain(practice.facilitator.id);
		const own = JSON.parse(body) as { boards: { board: string; chapters: { mine?: { broughtIn: number } }[] }[] };
		expect(own.boards.find((b) => b.board === board)!.chapters[0].mine).toEqual({ notes: 1, broughtIn: 1, during: 2, between: 0 });
		expect((await piet.page.request.get(`${api}/figures?own=0`)).ok()).toBe(true);
		expect(await (await piet.page.request.get(`${api}/figures?own=0`)).text()).not.toContain('"mine"');
		expect((await piet.page.request.get(`${api}/figures?own=yes`)).status()).toBe(400);
		expect((await piet.page.request.get(`${api}/boards/${board}/notes/Nonexistent-note-1/lineage`)).status()).toBe(404);

		// The overview: three charts with their summaries, and the coverage map.
		await fenna.goto(`${app.url}/p/${p}`);
		const figures = fenna.locator('section.figures');
		await expect.poll(() => figures.locator('svg[aria-label]').count(), { timeout: 15000 }).toBeGreaterThanOrEqual(3);
		expect(await figures.locator('figcaption').allInnerTexts()).toEqual([
			expect.stringContaining('in Samen 1, individueel 1'),
			expect.stringContaining('1 keer ingebracht: 1 van leden, 0 anoniem. Daarvan 0 van jou.'),
			expect.stringContaining('Jij veranderde er')
		]);
		expect(await figures.locator('table').first().innerText()).toContain('Intentie');
		expect(await figures.locator('.gaps').innerText()).toContain('Context: nog niet aangeraakt');
		expect(await figures.locator('.gaps').innerText()).not.toContain('Intentie');
		await figures.getByText('Vragen bij Intentie').click();
		expect(await figures.locator('details[open] tbody tr').innerText()).toMatch(/Wat is de bedoeling van de lerende praktijk\?.*\s+2\s+·?/s);
		expect(await violations(fenna), 'overview with figures').toEqual([]);

		if (shots) {
			mkdirSync(shots, { recursive: true });
			for (const size of SIZES) {
				const { page } = await newPage(screenOptions(size));
				await signIn(page, practice);
				await page.goto(`${app.url}/p/${p}`);
				await expect.poll(() => page.locator('section.figures svg[aria-label]').count(), { timeout: 15000 }).toBeGreaterThanOrEqual(3);
				await page.locator('section.figures').screenshot({ path: `${shots}/figures-${size.width}.png` });
				await page.goto(boardUrl);
				if (size.touch) await page.locator('.lane-list').waitFor();
				const n = page.locator('article.note', { hasText: 'zegt Fenna' }).first();
				await n.getByRole('button', { name: /^Acties voor/ }).click();
				await page.getByRole('menuitem', { name: 'Geschiedenis' }).click();
				await expect.poll(() => page.locator('.steps li').count()).toBe(2);
				await page.screenshot({ path: `${shots}/lineage-${size.width}.png` });
			}
		}
	});
});
