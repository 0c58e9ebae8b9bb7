import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinViaForm, type RunningApp } from '../helpers/app.ts';
import { addNoteTo, LAPTOP, screenOptions, violations } from '../helpers/board.ts';
import { FRAMEWORK_FORMAT } from '#lib/domain/framework-file.ts';

/**
 * Own frameworks end to end: written in the editor on the start page (one
 * aspect an axis), a practice started with it and a note on each board; the
 * framework downloaded from the overview and imported into a new practice; a
 * broken file refused with a message naming the field. Over HTTP: a practice
 * created with a framework given inline, and a bad one refused.
 */
const OWN = {
	format: FRAMEWORK_FORMAT,
	version: 1,
	name: { nl: 'Ons kader' },
	aspects: [
		{ name: { nl: 'Vakmanschap' }, questions: [{ nl: 'Wat kunnen we al?' }] },
		{ name: { nl: 'Tempo' }, questions: [{ nl: 'Waar staan we?' }], poles: { left: { nl: 'Rust' }, right: { nl: 'Haast' } } }
	]
};

const post = (app: RunningApp, body: unknown, headers: Record<string, string> = {}, path = '/api/practices', method = 'POST') =>
	fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json', origin: app.url, ...headers }, body: JSON.stringify(body) });

async function boardNames(page: Page): Promise<string[]> {
	return page.locator('section[aria-labelledby="boards-h"] > ul.boards:not(.archived) > li strong').allTextContents();
}

describe('own frameworks', () => {
	it('creates a practice with a framework given inline over HTTP, and refuses a bad one naming the field', async ({ app }) => {
		const res = await post(app, { name: 'Via script', facilitatorName: 'Sam', framework: OWN });
		expect(res.status).toBe(201);
		const body = (await res.json()) as { id: string; framework: string; boards: string[]; facilitator: { token: string } };
		expect(body.framework).toBe('ons-kader');
		expect(body.boards).toEqual(['vakmanschap', 'tempo']);
		const got = await fetch(`${app.url}/api/practices/${body.id}/framework`, { headers: { authorization: `Bearer ${body.facilitator.token}` } });
		expect(((await got.json()) as { file: typeof OWN }).file.aspects[1]!.poles).toEqual(OWN.aspects[1]!.poles);

		const bad = await post(app, { name: 'Kapot', facilitatorName: 'Sam', framework: { ...OWN, aspects: [{ name: { nl: '' }, questions: [] }] } });
		expect(bad.status).toBe(400);
		const message = ((await bad.json()) as { message: string }).message;
		expect(message).toContain('framework.aspects[0].name.nl: must not be empty');
		expect(message).toContain('framework.aspects[0].questions: needs at least one question');

		// Changing it: a bad file is refused with the field named, and the framework stays as it was.
		const change = (file: unknown, auth: Record<string, string>) => post(app, file, auth, `/api/practices/${body.id}/framework`, 'PUT');
		const refused = await change({ ...OWN, version: 3 }, { authorization: `Bearer ${body.facilitator.token}` });
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as { message: string }).message).toBe('version: 3 is newer than this Zwerm reads (1)');
		const after = await fetch(`${app.url}/api/practices/${body.id}/framework`, { headers: { authorization: `Bearer ${body.facilitator.token}` } });
		expect(((await after.json()) as { file: { aspects: unknown[] } }).file.aspects).toHaveLength(2);
	});

	it('writes a framework with an axis in the editor, starts a practice with it, exports it and imports it again; a broken file is refused', async ({ app, newPage }) => {
		const { page, errors } = await newPage(screenOptions(LAPTOP));
		await page.goto(app.url);
		await page.getByLabel('Naam van de praktijk').fill('Wijkteam Oost');
		await page.getByLabel('Jouw naam').fill('Fenna');
		await page.getByRole('radio', { name: /Eigen kader/ }).check();
		const editor = page.getByTestId('framework-editor');
		await editor.getByLabel('Naam van het kader').fill('Ons kader');
		const first = editor.getByRole('group', { name: /^Aspect 1/ });
		await first.getByLabel('Naam', { exact: true }).fill('Vakmanschap');
		await first.getByLabel('Vraag 1').fill('Wat kunnen we al?');
		await editor.getByRole('button', { name: 'Aspect toevoegen' }).click();
		// The new aspect's name has the keyboard.
		const second = editor.getByRole('group', { name: /^Aspect 2/ });
		await expect.poll(() => second.getByLabel('Naam', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
		// Checked as you type: a name the first aspect has already, and an empty question.
		await page.keyboard.type('vakmanschap');
		await expect.poll(() => second.textContent()).toContain('is dezelfde naam als die van aspect 1');
		await expect.poll(() => page.getByTestId('framework-status').textContent()).toContain('vraag 1 (Nederlands) mag niet leeg zijn');
		expect(await page.getByRole('button', { name: 'Praktijk aanmaken' }).isDisabled()).toBe(true);
		await second.getByLabel('Naam', { exact: true }).fill('Tempo');
		await second.getByLabel('Vraag 1').fill('Waar staan we?');
		await second.getByLabel(/Twee polen/).check();
		await second.getByLabel('Linkerpool').fill('Rust');
		await second.getByLabel('Rechterpool').fill('Haast');
		await expect.poll(() => page.getByTestId('framework-status').textContent()).toContain('Het kader is in orde.');
		expect(await violations(page), 'start page with the editor').toEqual([]);
		await page.getByRole('button', { name: 'Praktijk aanmaken' }).click();
		await page.waitForURL(/\/p\/[^/]+$/);
		await page.getByRole('heading', { level: 1, name: 'Wijkteam Oost' }).waitFor();
		expect(await boardNames(page)).toEqual(['Vakmanschap', 'Tempo', 'Leerdoelen']);
		const overview = page.url();

		// A note on each board; the axis board shows its poles.
		for (const [board, text] of [
			['vakmanschap', 'We luisteren goed'],
			['tempo', 'Het gaat te snel'],
			['doelen', 'Samen leren plannen']
		] as const) {
			await page.goto(`${overview}/b/${board}`);
			const mine = page.locator('section.lane.mine');
			await addNoteTo(mine, text);
			await expect.poll(() => mine.textContent()).toContain(text);
			if (board === 'tempo') expect(await page.locator('body').textContent()).toContain('Rust');
		}

		// The framework page: the editor for this practice's framework, clean for axe too.
		await page.goto(`${overview}/kader`);
		await page.getByTestId('framework-editor').waitFor();
		expect(await violations(page), 'framework page').toEqual([]);

		// Export the framework from the overview …
		await page.goto(overview);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Kader downloaden als bestand' }).click()]);
		const path = await download.path();
		const file = JSON.parse(readFileSync(path, 'utf8')) as { format: string; aspects: { id: string; poles?: unknown }[] };
		expect(file.format).toBe('zwerm-framework');
		expect(file.aspects.map((a) => a.id)).toEqual(['vakmanschap', 'tempo']);

		// … a broken file is refused with the field named, and nothing changes …
		await page.goto(app.url);
		await page.getByLabel('Naam van de praktijk').fill('Wijkteam Zuid');
		await page.getByLabel('Jouw naam').fill('Fenna');
		await page.getByTestId('framework-import').setInputFiles({
			name: 'kapot.json',
			mimeType: 'application/json',
			buffer: Buffer.from(JSON.stringify({ ...OWN, name: { nl: '' }, aspects: [{ ...OWN.aspects[0], kleur: 'rood' }] }))
		});
		const note = page.getByTestId('import-note');
		await expect.poll(() => note.textContent()).toContain('Dit bestand kan niet worden ingelezen. Er is niets veranderd.');
		expect(await note.textContent()).toContain('Naam van het kader (Nederlands) mag niet leeg zijn (name.nl)');
		expect(await note.textContent()).toContain('Aspect 1, kleur hoort niet in dit formaat (aspects[0].kleur)');
		expect(await page.getByTestId('framework-editor').count()).toBe(0);
		expect(await page.getByRole('radio', { name: /Conceptueel kader/ }).isChecked()).toBe(true);
		await page.getByTestId('framework-import').setInputFiles({ name: 'leeg.json', mimeType: 'application/json', buffer: Buffer.from('{ "format": ') });
		await expect.poll(() => note.textContent()).toContain('Het bestand is geen JSON-bestand');

		// … and the exported one is imported into a new practice.
		await page.getByTestId('framework-import').setInputFiles(path);
		await expect.poll(() => note.textContent()).toContain('Kader ‘Ons kader’ ingelezen');
		expect(await page.getByRole('radio', { name: /Eigen kader/ }).isChecked()).toBe(true);
		await page.getByRole('button', { name: 'Praktijk aanmaken' }).click();
		await page.waitForURL((url) => /\/p\/[^/]+$/.test(url.pathname) && url.href !== overview);
		await page.getByRole('heading', { level: 1, name: 'Wijkteam Zuid' }).waitFor();
		expect(await boardNames(page)).toEqual(['Vakmanschap', 'Tempo', 'Leerdoelen']);
		expect(errors).toEqual([]);
	});

	it('lets a facilitator archive an aspect in the browser: the board stays readable, read-only, listed apart', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Archief', facilitatorName: 'Fenna' });
		const { page } = await newPage(screenOptions(LAPTOP));
		await page.context().addCookies([{ name: `zw_${practice.id}`, value: practice.facilitator.token, url: app.url, httpOnly: true, sameSite: 'Lax' }]);
		// A note on Intentie, then its question changed: the timeline shows the question of each moment.
		await page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		await addNoteTo(page.locator('section.lane.mine'), 'Wij willen leren');
		await expect.poll(() => page.locator('section.lane.mine').textContent()).toContain('Wij willen leren');
		await page.goto(`${app.url}/p/${practice.id}/kader`);
		await page.getByRole('group', { name: /^Aspect 1: Intentie/ }).getByLabel('Vraag 1', { exact: true }).fill('Waarom doen wij mee?');
		const context = page.getByRole('group', { name: /^Aspect 4: Context/ });
		await context.getByRole('button', { name: 'Aspect archiveren' }).click();
		await expect.poll(() => page.getByTestId('framework-status').textContent()).toContain('Het kader is in orde.');
		await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
		await page.waitForURL(/\/p\/[^/]+$/);
		const now = await fetch(`${app.url}/api/practices/${practice.id}/framework`, { headers: { authorization: `Bearer ${practice.facilitator.token}` } });
		expect(((await now.json()) as { archived: { id: string }[] }).archived.map((a) => a.id)).toEqual(['context']);
		expect(await boardNames(page)).not.toContain('Context');
		await expect.poll(() => page.getByTestId('archived-boards').textContent()).toContain('Context');
		await page.getByTestId('archived-boards').getByRole('link', { name: /Context/ }).click();
		await page.getByTestId('archived-board').waitFor();
		expect(await page.getByRole('button', { name: /Notitie toevoegen/ }).count()).toBe(0);
		await page.goto(`${app.url}/p/${practice.id}/b/intentie/history`);
		const questions = page.getByTestId('questions-then');
		await expect.poll(() => page.locator('.marks').textContent()).toContain('Kader: vragen of uitleg van ‘Intentie’ aangepast');
		await expect.poll(() => questions.textContent()).toBe('Waarom doen wij mee?');
		await page.getByRole('button', { name: 'Bewerking terug' }).click();
		await expect.poll(() => questions.textContent()).toContain('Wat is de bedoeling van de lerende praktijk?');
		expect(await page.getByRole('heading', { name: 'Dialoogvragen op dit moment' }).count()).toBe(1);

		// Archived by mistake: the facilitator goes from the archived board to the framework and puts it back.
		await page.goto(`${app.url}/p/${practice.id}/b/context`);
		await page.getByTestId('archived-board').getByRole('link', { name: 'Terugzetten kan bij Kader aanpassen.' }).click();
		await page.waitForURL(/\/kader#archived-aspects$/);
		const archivedList = page.getByRole('region', { name: 'Gearchiveerde aspecten' });
		expect(await archivedList.textContent()).toMatch(/Context\s*gearchiveerd op \d{1,2} \w+ \d{4}/);
		expect(await violations(page), 'framework page with an archived aspect').toEqual([]);
		await archivedList.getByRole('button', { name: 'Aspect ‘Context’ terugzetten' }).click();
		await page.getByRole('group', { name: /^Aspect 7: Context/ }).waitFor();
		expect(await page.getByRole('region', { name: 'Gearchiveerde aspecten' }).count()).toBe(0);
		await expect.poll(() => page.getByTestId('framework-status').textContent()).toContain('Het kader is in orde.');
		await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
		await page.waitForURL(/\/p\/[^/]+$/);
		const back = await fetch(`${app.url}/api/practices/${practice.id}/framework`, { headers: { authorization: `Bearer ${practice.facilitator.token}` } });
		const backFile = (await back.json()) as { file: { aspects: { id: string }[] }; archived: { id: string }[] };
		expect(backFile.file.aspects.map((a) => a.id)).toContain('context');
		expect(backFile.archived).toEqual([]);
		await expect.poll(() => boardNames(page)).toContain('Context');
		expect(await page.getByTestId('archived-boards').count()).toBe(0);
		// Its board is open again, for writing.
		await page.goto(`${app.url}/p/${practice.id}/b/context`);
		await page.locator('section.lane.mine').waitFor();
		expect(await page.getByTestId('archived-board').count()).toBe(0);
		await addNoteTo(page.locator('section.lane.mine'), 'Weer terug');
		await expect.poll(() => page.locator('section.lane.mine').textContent()).toContain('Weer terug');

		// A participant cannot open the framework page.
		const cookie = await joinViaForm(app, practice.links.participant, 'Piet');
		const res = await fetch(`${app.url}/p/${practice.id}/kader`, { headers: { cookie } });
		expect(res.status).toBe(403);
	});
});
