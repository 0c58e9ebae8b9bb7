/**
 * Screenshots of the screens a change touched, at the three sizes Zwerm is
 * judged at (laptop, phone with touch, the room's screen). Needs a build
 * (`npm run build`). Usage: node bench/screens.ts [outdir]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, createPracticeViaApi } from '../tests/helpers/app.ts';
import { launchBrowser } from '../tests/helpers/browser.ts';

const out = process.argv[2] ?? 'screens';
mkdirSync(out, { recursive: true });
const SIZES = [
	{ name: 'laptop', width: 1366, height: 768, touch: false },
	{ name: 'phone', width: 390, height: 844, touch: true },
	{ name: 'room', width: 1920, height: 1080, touch: false }
] as const;

const app = await startApp();
const browser = await launchBrowser();
try {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
	for (const size of SIZES) {
		const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, hasTouch: size.touch, isMobile: size.touch });
		const page = await context.newPage();
		await page.goto(practice.links.participant);
		await page.getByLabel('Jouw naam').fill(`Ann ${size.name}`);
		await page.getByRole('button', { name: 'Meedoen' }).click();
		await page.waitForURL(/\/p\/[^/]+$/, { waitUntil: 'commit' });
		await page.getByRole('heading', { level: 1 }).waitFor();
		await page.getByText('De praktijk verlaten', { exact: true }).first().click();
		await page.locator('.leave-what').scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(out, `overview-leave-${size.name}.png`) });
		await page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		await page.locator('section.lane.anonymous').waitFor();
		await page.locator('section.lane.anonymous').scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(out, `board-anonymous-${size.name}.png`) });
		// Notes of each kind, so their state lines show; then a note's menu and the visibility dialog.
		const write = async (lane: string, button: RegExp, text: string) => {
			await page.locator(lane).getByRole('button', { name: button }).click();
			await page.locator('.ProseMirror').waitFor();
			await page.keyboard.type(text);
			await page.keyboard.press('Escape');
		};
		await write('section.lane.mine', /Notitie toevoegen/, 'Dit zei ik met mijn naam');
		await write('section.lane.private', /Notitie toevoegen/, 'Alleen voor mij');
		await write('section.lane.anonymous', /Anonieme notitie toevoegen/, 'Zonder naam gezegd');
		const note = page.locator('section.lane.mine article.note').first();
		await note.getByRole('button', { name: /^Acties voor/ }).click();
		await page.getByRole('menuitem', { name: 'Inbrengen in Samen' }).click();
		await page.getByRole('button', { name: 'Als nieuwe notitie in Samen' }).click();
		await page.locator('section.lane.collective article.note').first().waitFor();
		await page.screenshot({ path: join(out, `board-top-${size.name}.png`) });
		await page.locator('section.lane.mine').scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(out, `board-shared-note-${size.name}.png`) });
		await note.getByRole('button', { name: /^Acties voor/ }).click();
		await page.getByRole('menuitem', { name: 'Kleur' }).hover();
		await page.getByRole('menuitemradio').first().waitFor();
		await page.screenshot({ path: join(out, `board-note-menu-${size.name}.png`) });
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await note.getByRole('button', { name: /^Acties voor/ }).click();
		await page.getByRole('menuitem', { name: 'Zichtbaarheid…' }).click();
		await page.getByRole('dialog').getByRole('radio').first().waitFor();
		await page.screenshot({ path: join(out, `board-visibility-${size.name}.png`) });
		await page.keyboard.press('Escape');
		await context.close();
	}
} finally {
	await browser.close();
	await app.stop();
}
console.log(`screenshots in ${out}`);
