/**
 * The facilitator's board at the three sizes, "Begeleiden" closed and open,
 * with the canvas's box. Needs a build. Usage: node bench/facilitate-shots.ts [outdir]
 */
import { join } from 'node:path';
import { createPracticeViaApi } from '../tests/helpers/app.ts';
import { signIn } from '../tests/helpers/browser.ts';
import { SIZES, sizeOptions, shotsDir, startShots } from './shots.ts';

const out = shotsDir('/tmp/fac-shots');
const { app, browser, close } = await startShots();
try {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
	for (const size of SIZES) {
		const context = await browser.newContext(sizeOptions(size));
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
	await close();
}
