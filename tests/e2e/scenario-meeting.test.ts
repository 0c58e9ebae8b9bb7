import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { readQr, shortLinkFor } from '../helpers/screen.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { editorFocused, signIn } from '../helpers/browser.ts';
import { addNoteTo, facilitatorTool, joinWith, LAPTOP, PHONE, ROOM, screenOptions } from '../helpers/board.ts';

/**
 * Scenario 1 of the product (a hybrid meeting), end to end: the facilitator at a
 * laptop, the room's screen at 1920×1080, a participant on a phone and one on a
 * laptop, from pairing the screen to the snapshot at the meeting's end.
 */


const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();
const note = (page: Page, text: string) => page.locator('article.note', { hasText: text });
const collective = (page: Page) => page.locator('section.lane.collective');
const sharingBanner = (page: Page) => page.locator('section.sharing');

/** Opens a note's menu and picks an action. */
async function noteAction(n: Locator, action: string) {
	await n.getByRole('button', { name: /^Acties voor/ }).click();
	await n.page().getByRole('menuitem', { name: action }).click();
}

describe('scenario 1: a hybrid meeting', () => {
	it('pairs the screen, joins by its QR, runs a silent round, a sharing round, live rewriting and a vote, and ends with a snapshot', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
		const overview = `${app.url}/p/${practice.id}`;
		const board = `${overview}/b/intentie`;

		// Fenna starts the meeting on the overview and puts the practice on the room's screen.
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		await fenna.page.getByLabel('Titel').fill('Eerste bijeenkomst');
		await fenna.page.getByRole('checkbox', { name: 'Intentie' }).check();
		await fenna.page.getByRole('button', { name: 'Bijeenkomst starten' }).click();
		await expect.poll(() => fenna.page.locator('.meetings li.running').innerText()).toContain('Eerste bijeenkomst');
		await fenna.page.getByRole('button', { name: 'Op het scherm zetten' }).first().click();
		const pairing = fenna.page.getByRole('dialog', { name: 'Op het scherm zetten' });
		const code = (await pairing.locator('[data-code]').getAttribute('data-code'))!;
		const screen = await newPage(screenOptions(ROOM));
		await screen.page.goto(`${app.url}/scherm`);
		await screen.page.getByLabel('Code van de begeleider').fill(code);
		await screen.page.getByRole('button', { name: 'Koppelen' }).click();
		await screen.page.waitForURL(`${app.url}/scherm/${practice.id}`, { waitUntil: 'commit' });
		await expect.poll(() => pairing.getByRole('status').innerText(), { timeout: 15000 }).toMatch(/^Het scherm is gekoppeld\./);
		await pairing.getByRole('button', { name: 'Sluiten' }).click();

		// Ahmed (phone) and Bo (laptop) join by the link the QR code carries.
		await screen.page.locator('.qr svg').waitFor();
		const link = (await readQr(screen.page))!;
		expect(link).toBe(shortLinkFor(practice.links.participant));
		const ahmed = await joinWith(newPage, link, 'Ahmed', screenOptions(PHONE));
		const bo = await joinWith(newPage, link, 'Bo', screenOptions(LAPTOP));
		await expect.poll(() => screen.page.locator('[data-count]').getAttribute('data-count')).toBe('3');
		const people = [fenna, ahmed, bo];
		for (const p of people) await p.page.goto(board);
		await expect.poll(() => heading(screen.page)).toBe('Intentie');

		// A silent round of five minutes, from "Begeleiden": the popover closes, every screen shows the clock.
		await (await facilitatorTool(fenna.page, 'Minuten')).fill('5');
		await (await facilitatorTool(fenna.page, 'Start stille ronde')).click();
		await expect.poll(() => fenna.page.getByRole('dialog', { name: 'Begeleiden' }).count()).toBe(0);
		await expect.poll(() => screen.page.getByRole('timer').innerText()).toMatch(/^[45]:\d\d$/);
		for (const p of people) await expect.poll(() => p.page.getByText(/nog [45]:\d\d/).count()).toBeGreaterThan(0);

		// Each writes privately: Ahmed one to share, Bo one to share and one anonymously.
		await addNoteTo(ahmed.page.locator('section.lane.mine'), 'Ahmed wil de buurt leren kennen');
		await addNoteTo(bo.page.locator('section.lane.mine'), 'Bo zoekt samen oplossingen');
		await addNoteTo(bo.page.locator('section.lane.mine'), 'Ik durf dit alleen anoniem');
		await noteAction(bo.page.locator('section.lane.private article.note', { hasText: 'Ik durf dit alleen anoniem' }), 'Zichtbaarheid…');
		const visibility = bo.page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		await visibility.getByRole('radio', { name: /De groep, anoniem/ }).check();
		await visibility.getByRole('button', { name: 'Bevestigen' }).click();
		await expect.poll(() => fenna.page.getByText('3 notities van 2 mensen').count()).toBe(1);
		// Nothing shows before the reveal.
		expect(await note(fenna.page, 'Ahmed wil de buurt').count()).toBe(0);
		await fenna.page.getByRole('button', { name: 'Nu onthullen' }).click();
		for (const p of people) {
			await expect.poll(() => note(p.page, 'Ahmed wil de buurt').count()).toBeGreaterThan(0);
			await expect.poll(() => note(p.page, 'alleen anoniem').count()).toBeGreaterThan(0);
		}
		// Bo's anonymous note is in the anonymous lane, not under his name.
		expect(await fenna.page.locator('section.lane.anonymous article.note', { hasText: 'alleen anoniem' }).count()).toBe(1);
		expect(await fenna.page.locator('section.lane', { hasText: 'Notities van Bo' }).locator('article.note', { hasText: 'alleen anoniem' }).count()).toBe(0);
		// The round is over: the screen shows the board again.
		await expect.poll(() => screen.page.getByRole('timer').count()).toBe(0);
		await expect.poll(() => heading(screen.page)).toBe('Intentie');

		// A sharing round, to its end: Ahmed, Bo, then the anonymous notes.
		await (await facilitatorTool(fenna.page, 'Rondje delen')).click();
		const step = () => sharingBanner(fenna.page).locator('h2').innerText();
		await expect.poll(step).toMatch(/stap 1 van 3/);
		for (const n of [2, 3]) {
			await sharingBanner(fenna.page).getByRole('button', { name: 'Volgende' }).click();
			await expect.poll(step).toMatch(new RegExp(`stap ${n} van 3`));
		}
		await expect.poll(step).toMatch(/de anonieme notities/);
		await sharingBanner(fenna.page).getByRole('button', { name: 'Afronden' }).click();
		for (const p of people) await expect.poll(() => sharingBanner(p.page).count()).toBe(0);

		// Bo brings his note into Samen; Bo and Fenna rewrite it together, live.
		await noteAction(bo.page.locator('section.lane.mine article.note', { hasText: 'Bo zoekt samen' }), 'Inbrengen in Samen');
		await bo.page.getByRole('button', { name: 'Als nieuwe notitie in Samen' }).click();
		for (const p of people) await expect.poll(() => collective(p.page).locator('article.note', { hasText: 'Bo zoekt samen' }).count()).toBe(1);
		await expect.poll(() => collective(screen.page).locator('.note-frame', { hasText: 'Bo zoekt samen' }).count()).toBe(1);
		await collective(bo.page).locator('article.note', { hasText: 'Bo zoekt samen' }).locator('.note-text').click();
		await editorFocused(bo.page);
		await bo.page.keyboard.press('End');
		await bo.page.keyboard.type(' met de wijk');
		await expect.poll(() => collective(fenna.page).locator('article.note', { hasText: 'met de wijk' }).count()).toBe(1);
		await collective(fenna.page).locator('article.note', { hasText: 'Bo zoekt samen' }).locator('.note-text').click();
		await editorFocused(fenna.page);
		await fenna.page.keyboard.press('End');
		await fenna.page.keyboard.type(' en de gemeente');
		for (const p of [fenna, bo]) {
			const shared = collective(p.page).locator('article.note', { hasText: 'Bo zoekt samen' });
			await expect.poll(() => shared.innerText()).toMatch(/met de wijk/);
			await expect.poll(() => shared.innerText()).toMatch(/en de gemeente/);
		}
		await expect.poll(() => fenna.page.locator('.collaboration-carets__label', { hasText: 'Bo' }).count()).toBe(1);
		await fenna.page.keyboard.press('Escape');
		await bo.page.keyboard.press('Escape');
		// A second note in Samen, by Fenna, so the vote has a choice.
		await addNoteTo(collective(fenna.page), 'Elke maand een buurtavond');
		await expect.poll(() => collective(screen.page).locator('.note-frame', { hasText: 'Elke maand een buurtavond' }).count()).toBe(1);

		// A vote of three dots: both vote, Fenna closes it, everyone sees the notes ranked.
		await (await facilitatorTool(fenna.page, 'Stemmen')).click();
		await fenna.page.getByRole('button', { name: 'Stemming openen' }).click();
		await expect.poll(() => fenna.page.getByRole('dialog', { name: 'Begeleiden' }).count()).toBe(0);
		for (const p of [ahmed, bo]) await expect.poll(() => p.page.getByText('Je hebt nog 3 stippen').count()).toBe(1);
		const place = (page: Page, text: string) => collective(page).locator('article.note', { hasText: text }).getByRole('button', { name: /^Stip zetten op deze notitie/ });
		for (const [p, text, left] of [
			[ahmed, 'Bo zoekt samen', 'Je hebt nog 2 stippen'],
			[ahmed, 'Bo zoekt samen', 'Je hebt nog 1 stip'],
			[ahmed, 'Elke maand', 'Al je stippen staan'],
			[bo, 'Bo zoekt samen', 'Je hebt nog 2 stippen']
		] as const) {
			await place(p.page, text).click();
			await expect.poll(() => p.page.getByText(left).count()).toBe(1);
		}
		await fenna.page.getByRole('button', { name: 'Stemming sluiten' }).click();
		for (const p of people) {
			const result = p.page.locator('details.result ol li');
			const texts = async () => (await result.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
			await expect.poll(texts).toEqual(['1 Bo zoekt samen oplossingen met de wijk en de gemeente 3 stippen', '2 Elke maand een buurtavond 1 stip']);
		}
		// The room's screen shows the result, ranked, until Fenna moves on.
		await expect.poll(() => heading(screen.page)).toBe('Uitslag van de stemming');
		await expect.poll(async () => (await screen.page.locator('main').innerText()).replace(/\s+/g, ' ')).toContain('Bo zoekt samen oplossingen met de wijk en de gemeente');

		// Fenna ends the meeting on the overview: the timeline has its snapshot.
		await fenna.page.goto(overview);
		await fenna.page.getByRole('button', { name: 'Bijeenkomst beëindigen' }).click();
		await expect.poll(() => fenna.page.locator('.meetings li', { hasText: 'Eerste bijeenkomst' }).innerText()).toContain('afgelopen');
		const marks = (await fenna.page.evaluate((url) => fetch(url).then((r) => r.json()), `/api/practices/${practice.id}/snapshots`)) as { kind: string; name: string }[];
		expect(marks.filter((m) => m.kind === 'meeting-end').map((m) => m.name)).toEqual(['Eerste bijeenkomst']);
		await fenna.page.goto(`${board}/history`);
		await expect.poll(() => fenna.page.getByText(/Eerste bijeenkomst/).count()).toBeGreaterThan(0);
		for (const p of [...people, screen]) expect(p.errors).toEqual([]);
	});
});
