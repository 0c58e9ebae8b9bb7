/**
 * Screenshots of the board canvas at the three sizes (laptop, phone with
 * touch, the room's screen): a board with notes in Samen and in lanes, the
 * first view, zoomed to fit, and a note being edited. Needs a build.
 * Usage: node bench/screens-canvas.ts [outdir]
 */
import { join } from 'node:path';
import { createPracticeViaApi } from '../tests/helpers/app.ts';
import { joinOn } from '../tests/helpers/browser.ts';
import { SIZES, sizeOptions, shotsDir, startShots } from './shots.ts';

const out = shotsDir();
const TEXTS = ['We begonnen te laat', 'Wie bewaakt de tijd?', 'Meer ruimte voor stilte', 'De vraag was helder', 'Samen gekozen voor een pilot'];

const { app, browser, close } = await startShots();
try {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
	// Someone writes a few notes in their lane and in Samen first.
	{
		const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
		const page = await context.newPage();
		await joinOn(page, practice.links.participant, 'Anna');
		await page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		for (const [i, text] of TEXTS.entries()) {
			const lane = i < 2 ? 'section.lane.collective' : 'section.lane.mine';
			await page.locator(lane).getByRole('button', { name: /Notitie toevoegen/ }).click();
			await page.locator('.ProseMirror').waitFor();
			await page.keyboard.type(text);
			await page.keyboard.press('Escape');
			await page.locator('.ProseMirror').waitFor({ state: 'detached' });
		}
		await context.close();
	}
	for (const size of SIZES) {
		const context = await browser.newContext(sizeOptions(size));
		const page = await context.newPage();
		await joinOn(page, practice.links.participant, `Bo ${size.name}`);
		await page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		await page.locator('.canvas').waitFor();
		await page.locator('section.lane.collective h2').waitFor();
		await page.locator('section.lane:not(.collective) .empty').first().waitFor();
		await page.screenshot({ path: join(out, `canvas-open-${size.name}.png`) });
		await page.getByRole('button', { name: 'Alles in beeld' }).click();
		await page.locator('section.lane.collective article.note').first().waitFor();
		await page.screenshot({ path: join(out, `canvas-fit-${size.name}.png`) });
		await page.locator('section.lane.mine').getByRole('button', { name: /Notitie toevoegen/ }).click();
		await page.locator('.ProseMirror').waitFor();
		await page.keyboard.type(`Mijn eerste notitie op de ${size.name}`);
		await page.screenshot({ path: join(out, `canvas-edit-${size.name}.png`) });
		await context.close();
	}
} finally {
	await close();
}
console.log(`screenshots in ${out}`);
