import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfPages } from '../helpers/pdf.ts';
import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinedMember } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { collabUrl, violations } from '../helpers/board.ts';
import { STORY, writeStory } from '../helpers/story.ts';
import type { PracticeId } from '#lib/domain/ids.ts';

/**
 * The story report in Chromium: five meetings written over websockets and the
 * HTTP API, then the report page of one board — each event in its meeting's
 * chapter, axe clean — printed to PDF by the browser: the PDF has the chapters
 * and page numbers, and none of the page's controls.
 */

/** Where the PDF of the last run is left, to look at (`pdftoppm -png` makes its pages images). */
const PDF_PATH = join(tmpdir(), 'zwerm-story-report.pdf');



/** Text on paper smaller than 9 pt (the page numbers are 9 pt): none. */
const tooSmall = (pages: { runs: { text: string; pt: number }[] }) => pages.runs.filter((r) => r.pt < 9);

describe('the story report in the browser', () => {
	it('tells each meeting as a chapter, passes axe, and prints to a PDF with chapters, page numbers and no controls', async ({ app, connect, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Verhaalpraktijk', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const api = `${app.url}/api/practices/${p}`;
		const asFacilitator = { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' };
		const tokens = { anna: (await joinedMember(app, practice.links.participant, 'Anna')).token, bert: (await joinedMember(app, practice.links.participant, 'Bert')).token };
		const members = ((await fetch(`${api}/export`, { headers: asFacilitator }).then((r) => r.json())) as { members: { id: string; name: string }[] }).members;
		const id = (name: string) => members.find((m) => m.name === name)!.id;
		const post = async (path: string, body: unknown, status = 201) => {
			const res = await fetch(`${api}${path}`, { method: 'POST', headers: asFacilitator, body: JSON.stringify(body) });
			expect(res.status, path).toBe(status);
			return res.json();
		};
		const meetingIds = await writeStory(
			p,
			{ facilitator: { id: practice.facilitator.id, token: practice.facilitator.token }, anna: { id: id('Anna'), token: tokens.anna }, bert: { id: id('Bert'), token: tokens.bert } },
			{
				open: async (name, token) => {
					const client = connect(collabUrl(app), name, token);
					await expect.poll(() => client.provider.isSynced, { message: `${name} synced`, timeout: 15000 }).toBe(true);
					return client;
				},
				startMeeting: async (title) => (await post('/meetings', { title, date: '2026-12-06', agenda: [STORY.board] })).meeting.id,
				endMeeting: async (meeting) => void (await post(`/meetings/${meeting}/end`, {}, 200)),
				bringInAnonymous: async (note) => void (await post(`/boards/${STORY.board}/anonymous/${note}/bring-in`, {})),
				settled: async () => {}
			},
			'bert'
		);

		const { page } = await newPage({ viewport: { width: 1366, height: 768 } });
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${p}/report?board=${STORY.board}`);
		const chapters = page.locator('section.chapter');
		await expect.poll(() => chapters.locator(':scope > h2').allInnerTexts()).toEqual([
			...STORY.meetings.slice(0, 3).map((m) => expect.stringContaining(m)),
			`Tussen ${STORY.meetings[2]} en ${STORY.meetings[3]}`,
			...STORY.meetings.slice(3).map((m) => expect.stringContaining(m))
		]);
		const chapter = (i: number) => chapters.nth(i > 2 ? i + 1 : i);
		expect(await chapter(0).locator('.added').innerText()).toContain(STORY.first);
		expect(await chapter(1).locator('.rewritten ins').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('hele')]));
		expect(await chapter(2).locator('.brought-in').innerText()).toContain(`“${STORY.annaNote}” van Anna`);
		expect(await chapter(3).locator('.added').innerText()).toContain(STORY.idea);
		expect(await chapter(3).locator('.removed').count()).toBe(0);
		expect(await chapter(4).locator('.removed').innerText()).toContain(STORY.idea);
		const fifth = await chapter(4).locator('.brought-in li').allInnerTexts();
		expect(fifth).toEqual([`“${STORY.bertNote}” van Bert`, `“${STORY.anonymous}” van anoniem`]);
		expect(await page.locator('.summary .aspect').innerText()).toMatch(/^Intentie: 7 nieuwe notities, 1 herschreven, 1 verwijderd; 3 ingebracht uit individuele lanes\. Belangrijkst: /);
		expect(await violations(page)).toEqual([]);

		// Every board: the others did not change, and say so in one line.
		await page.goto(`${app.url}/p/${p}/report`);
		await expect.poll(() => page.locator('.summary .unchanged').innerText()).toBe(
			'Geen wijzigingen in: Activiteit, Normativiteit, Context, Space en place, Actanten, Outcome/waarde, Leerdoelen.'
		);
		expect(await page.locator('section.chapter h3').allInnerTexts()).toEqual(Array(6).fill('Intentie'));
		expect(await violations(page)).toEqual([]);
		// Its figures are of every aspect (and say so); printed, the chart of eight aspects is as legible.
		expect(await page.locator('.figures figcaption span').first().innerText()).toContain('over alle aspecten samen');
		await expect.poll(() => page.locator('.figures .chart.paper svg[role="img"]').count(), { timeout: 15000 }).toBe(3);
		const everyBoard = await page.pdf({ format: 'A4' });
		await writeFile(join(tmpdir(), 'zwerm-story-report-all.pdf'), everyBoard);
		expect(tooSmall(await pdfPages(new Uint8Array(everyBoard)))).toEqual([]);

		// The browser's print of one board's report, with the group's figures drawn.
		await page.goto(`${app.url}/p/${p}/report?board=${STORY.board}`);
		await page.locator('section.chapter').first().waitFor();
		await expect.poll(() => page.locator('.figures .chart svg').count(), { timeout: 15000 }).toBeGreaterThanOrEqual(3);
		const summaries = await page.locator('.figures figcaption span').allInnerTexts();
		expect(summaries).toHaveLength(3);
		// The board's figures only: its coverage row, not the other boards'.
		expect(await page.locator('.coverage tbody th[scope="row"]').first().innerText()).toBe('Intentie');
		expect(await page.locator('.coverage .keep .scroll tbody tr').count()).toBe(1);
		// Its chart's summary and label name the board, not "every aspect".
		expect(summaries[0]).toBe('Aan het eind van bijeenkomst 5 (Vijfde bijeenkomst), op het bord Intentie: in Samen 6, individueel 3.');
		expect(await page.locator('.figures .chart.screen svg[role="img"]').first().getAttribute('aria-label')).toContain('het bord Intentie');
		// As a browser prints (it lays the page out again without running scripts): every chart's text at 9 pt at least.
		await expect.poll(() => page.locator('.figures .chart.paper svg[role="img"]').count()).toBe(3);
		const asPrinted = await page.pdf({ format: 'A4' });
		await writeFile(join(tmpdir(), 'zwerm-story-report-as-printed.pdf'), asPrinted);
		const printed = await pdfPages(new Uint8Array(asPrinted));
		expect(printed.runs.map((r) => r.text)).toEqual(expect.arrayContaining(['↑ notities', '↑ ingebracht', 'B1', 'B5']));
		expect(tooSmall(printed)).toEqual([]);
		await page.emulateMedia({ media: 'print' });
		expect(await page.getByRole('button', { name: 'English' }).isVisible()).toBe(false);
		const pdf = await page.pdf({ format: 'A4' });
		await writeFile(PDF_PATH, pdf);
		const pages = await pdfPages(new Uint8Array(pdf));
		expect(tooSmall(pages)).toEqual([]);
		const text = pages.join(' ');
		for (const heading of ['Samenvatting', ...STORY.meetings, `Tussen ${STORY.meetings[2]} en ${STORY.meetings[3]}`, 'Samen aan het einde']) expect(text).toContain(heading);
		expect(text).toContain(STORY.idea);
		expect(text).toContain('van anoniem');
		// The charts' text summaries and the coverage map are on paper too (compared without spaces: PDF text runs break lines anywhere).
		const bare = (s: string) => s.replace(/\s+/g, '');
		for (const summary of summaries) expect(bare(text), summary).toContain(bare(summary));
		expect(text).toContain('Dekking van het kader');
		expect(text).toContain(STORY.meetings[0]);
		for (const control of ['English', 'Afdrukken of bewaren als pdf', 'Download als Markdown', 'Terug naar het overzicht', 'Naar de inhoud', 'Alle borden', 'Toon']) {
			expect(text, control).not.toContain(control);
		}
		// Page numbers in the bottom margin: "1 / n" on the first page, "n / n" on the last.
		expect(pages[0]).toMatch(new RegExp(`\\b1 / ${pages.length}\\b`));
		expect(pages.at(-1)).toMatch(new RegExp(`\\b${pages.length} / ${pages.length}\\b`));

		// A report of meetings 2–3: its figures and coverage map have those two meetings only; the form shows that range.
		await page.emulateMedia({ media: null });
		await page.goto(`${app.url}/p/${p}/report?meeting=${meetingIds[1]}&meeting=${meetingIds[2]}&board=${STORY.board}`);
		await expect.poll(() => chapters.locator(':scope > h2').allInnerTexts()).toEqual(STORY.meetings.slice(1, 3).map((m) => expect.stringContaining(m)));
		await expect.poll(() => page.locator('.figures .chart svg[role="img"]').count(), { timeout: 15000 }).toBe(6);
		expect(await page.locator('.coverage table').first().locator('thead th').allInnerTexts()).toEqual(['Aspect', 'B2', 'B3']);
		expect(await page.locator('select[name="to"] option:checked').innerText()).toBe(`einde van ${STORY.meetings[2]}`);
		const chartText = await page.locator('.figures .chart svg text').allTextContents();
		expect(chartText).toEqual(expect.arrayContaining(['B2', 'B3']));
		expect(chartText.filter((s) => /^(B[145]|daarna|tot nu)$/.test(s))).toEqual([]);
		expect(await page.locator('.figures figcaption span').first().innerText()).toContain('bijeenkomst 3 (Derde bijeenkomst), op het bord Intentie');
		const middlePdf = await page.pdf({ format: 'A4' });
		await writeFile(join(tmpdir(), 'zwerm-story-report-middle.pdf'), middlePdf);
		const middle = await pdfPages(new Uint8Array(middlePdf));
		expect(middle.runs.filter((r) => /^B[145]$/.test(r.text))).toEqual([]);
		expect(middle.join(' ')).not.toMatch(/Eerste bijeenkomst|Vierde bijeenkomst|Vijfde bijeenkomst/);
		expect(tooSmall(middle)).toEqual([]);
		await page.screenshot({ path: join(tmpdir(), 'zwerm-story-report-middle-1366.png'), fullPage: true });
		await page.goto(`${app.url}/p/${p}/report?board=${STORY.board}`);
		await page.locator('.figures .chart svg').first().waitFor();

		// The page on screen at the three sizes, left beside the PDF to look at.
		await page.emulateMedia({ media: 'screen' });
		for (const [width, height] of [
			[1366, 768],
			[390, 844],
			[1920, 1080]
		]) {
			await page.setViewportSize({ width, height });
			await page.screenshot({ path: join(tmpdir(), `zwerm-story-report-${width}.png`), fullPage: false });
			// The charts drawn again for the new width, within their boxes.
			const fits = () => page.locator('.figures .chart.screen').evaluateAll((charts) => charts.every((c) => c.querySelector('svg[role="img"]')!.getBoundingClientRect().width <= c.clientWidth));
			await expect.poll(fits).toBe(true);
			await page.locator('.figures').screenshot({ path: join(tmpdir(), `zwerm-story-report-figures-${width}.png`) });
		}

		// Switching the language: the whole report follows, also the words the server wrote (its range).
		await page.getByRole('button', { name: /English/ }).click();
		await expect.poll(() => page.locator('header .range').first().innerText()).toMatch(/^From the beginning to now/);
		expect(await page.locator('#summary').innerText()).toBe('Summary');
		expect(await page.locator('.summary .aspect').innerText()).toMatch(/^Intention: 7 new notes, 1 rewritten, 1 removed; 3 brought in from individual lanes\./);
		expect(await chapter(4).locator('.brought-in li').allInnerTexts()).toEqual([`“${STORY.bertNote}” from Bert`, `“${STORY.anonymous}” from anonymous`]);
		expect(await page.locator('.figures figcaption span').first().innerText()).toBe('At the end of meeting 5 (Vijfde bijeenkomst), on the board Intention: 6 in Together, 3 individual.');
	});
});
