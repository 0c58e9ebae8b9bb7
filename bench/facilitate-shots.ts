/**
 * The facilitator's board at the three sizes, "Begeleiden" closed and open,
 * with the canvas's box. Needs a build. Usage: node bench/facilitate-shots.ts [outdir]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, createPracticeViaApi } from '../tests/helpers/app.ts';
import { launchBrowser, signIn } from '../tests/helpers/browser.ts';

const out = process.argv[2] ?? '/tmp/fac-shots';
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
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${practice.id}/b/intentie`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		if (size.touch) {
			await page.locator('.lane-list').waitFor();
			await page.getByRole('button', { name: 'Bord', exact: true }).click();
		}
		await page.locator('.canvas').waitFor();
		await page.getByText('Alle wijzigingen opgeslagen').waitFor();
		await page.screenshot({ path: join(out, `facilitate-closed-${size.name}.png`) });
		const canvas = await page.locator('.canvas').boundingBox();
		console.log(size.name, 'canvas', JSON.stringify(canvas), `${Math.round((100 * canvas!.height) / size.height)}%`);
		await page.getByRole('button', { name: 'Begeleiden' }).click();
		await page.getByRole('dialog', { name: 'Begeleiden' }).waitFor();
		await page.screenshot({ path: join(out, `facilitate-open-${size.name}.png`) });
		await page.getByText('Stemmen', { exact: true }).click();
		await page.screenshot({ path: join(out, `facilitate-vote-${size.name}.png`) });
		await context.close();
	}
} finally {
	await browser.close();
	await app.stop();
}
