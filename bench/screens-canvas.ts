/**
 * Screenshots of the board canvas at the three sizes (laptop, phone with
 * touch, the room's screen): a board with notes in Samen and in lanes, the
 * first view, zoomed to fit, and a note being edited. Needs a build.
 * Usage: node bench/screens-canvas.ts [outdir]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, createPracticeViaApi } from '../tests/helpers/app.ts';
import { launchBrowser, joinOn } from '../tests/helpers/browser.ts';

const out = process.argv[2] ?? 'screens';
mkdirSync(out, { recursive: true });
const SIZES = [
	{ name: 'laptop', width: 1366, height: 768, touch: false },
	{ name: 'phone', width: 390, height: 844, touch: true },
	{ name: 'room', width: 1920, height: 1080, touch: false }
] as const;
const TEXTS = ['We begonnen te laat', 'Wie bewaakt de tijd?', 'Meer ruimte voor stilte', 'De vraag was helder', 'Samen gekozen voor een pilot'];

const app = await startApp();
const browser = await launchBrowser();
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
		const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, hasTouch: size.touch, isMobile: size.touch });
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
	await browser.close();
	await app.stop();
}
console.log(`screenshots in ${out}`);
