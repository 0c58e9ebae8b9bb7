/**
 * Screenshots of joining in the room at the three sizes: the room's screen's
 * start view (short link, QR code, count, what runs elsewhere), the `/j` form
 * to type the code and its answer to a wrong one, and the facilitator's
 * invite card with the short link. Needs a build.
 * Usage: node bench/join-screens.ts [outdir]
 */
import { join } from 'node:path';
import { createPracticeViaApi, joinViaForm } from '../tests/helpers/app.ts';
import { signIn } from '../tests/helpers/browser.ts';
import { SIZES, sizeOptions, shotsDir, startShots } from './shots.ts';

const out = shotsDir();

const { app, browser, close } = await startShots();
const post = (path: string, token: string, body: unknown = {}) =>
	fetch(`${app.url}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, origin: app.url, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
try {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord leert samen', facilitatorName: 'Fenna' });
	for (const name of ['Ahmed', 'Bo', 'Carla']) await joinViaForm(app, practice.links.participant, name);
	for (const size of SIZES) {
		const context = await browser.newContext(sizeOptions(size, { locale: 'nl-NL' }));
		const page = await context.newPage();
		await signIn(page, practice);
		await page.getByLabel('Korte link voor deelnemers (om over te typen)').scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(out, `invite-card-${size.name}.png`) });
		const code = (await page.getByLabel('Korte link voor deelnemers (om over te typen)').inputValue()).split('/j/')[1];

		const stranger = await (await browser.newContext(sizeOptions(size, { locale: 'nl-NL' }))).newPage();
		await stranger.goto(`${app.url}/j`);
		await stranger.screenshot({ path: join(out, `short-form-${size.name}.png`) });
		await stranger.goto(`${app.url}/j/${code.slice(0, 8)}${code[8] === 'A' ? 'B' : 'A'}`);
		await stranger.screenshot({ path: join(out, `short-wrong-${size.name}.png`) });

		// The room's screen, paired by a code, at this size.
		const { code: pairing } = (await (await post(`/api/practices/${practice.id}/screens`, practice.facilitator.token)).json()) as { code: string };
		const screen = await (await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: 'nl-NL' })).newPage();
		await screen.goto(`${app.url}/scherm`);
		await screen.getByLabel('Code van de begeleider').fill(pairing);
		await screen.getByRole('button', { name: 'Koppelen' }).click();
		await screen.waitForURL(`${app.url}/scherm/${practice.id}`);
		await screen.locator('.qr svg').waitFor();
		await screen.locator('[data-count="4"]').waitFor();
		await screen.screenshot({ path: join(out, `screen-start-${size.name}.png`) });
		if (size.name === 'room') {
			await post(`/api/practices/${practice.id}/boards/intentie/activities/vote`, practice.facilitator.token, { dots: 3 });
			await screen.locator('.start .busy').waitFor();
			await screen.screenshot({ path: join(out, `screen-start-busy-${size.name}.png`) });
			await fetch(`${app.url}/api/practices/${practice.id}/boards/intentie/activities/vote`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url }
			});
		}
		await context.close();
	}
} finally {
	await close();
}
console.log(`screenshots in ${out}`);
