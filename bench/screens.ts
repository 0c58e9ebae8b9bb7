/**
 * Screenshots of the screens a change touched, at the three sizes Zwerm is
 * judged at (laptop, phone with touch, the room's screen). Needs a build
 * (`npm run build`). Usage: node bench/screens.ts [outdir]
 */
import { join } from 'node:path';
import { createPracticeViaApi } from '../tests/helpers/app.ts';
import { signIn } from '../tests/helpers/browser.ts';
import { connect } from '../tests/helpers/clients.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { createNote } from '#lib/domain/notes.ts';
import { NOTE_COLORS } from '#lib/domain/palette.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import { SIZES, sizeOptions, shotsDir, startShots } from './shots.ts';

const out = shotsDir();

const { app, browser, close } = await startShots();
try {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
	for (const size of SIZES) {
		const context = await browser.newContext(sizeOptions(size));
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
		// These screens show the canvas; the list (the phone's default) has its own below.
		await page.locator('.canvas, .lane-list').first().waitFor();
		await page.getByRole('button', { name: 'Bord', exact: true }).click();
		await page.locator('section.lane.anonymous').waitFor();
		// The first view, then with the aspect's explanation and questions unfolded.
		await page.screenshot({ path: join(out, `board-open-${size.name}.png`) });
		await page.getByRole('button', { name: 'Uitleg en vragen' }).click();
		await page.locator('#aspect-about').waitFor();
		await page.screenshot({ path: join(out, `board-about-${size.name}.png`) });
		await page.getByRole('button', { name: 'Uitleg en vragen' }).click();
		// Find, open over the board.
		await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
		await page.getByRole('searchbox').fill('samen');
		await page.getByRole('button', { name: 'Filters' }).click();
		await page.screenshot({ path: join(out, `board-find-${size.name}.png`) });
		await page.getByRole('button', { name: 'Zoeken sluiten' }).click();
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
		// A finger taps the submenu open; a mouse opens it by pointing.
		if (size.touch) await page.getByRole('menuitem', { name: 'Kleur' }).tap();
		else await page.getByRole('menuitem', { name: 'Kleur' }).hover();
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
	await listScreens();
} finally {
	await close();
}
console.log(`screenshots in ${out}`);

/** The list view: a board with notes in three lanes and a running silent round; find and the sheet editor. */
async function listScreens() {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Zuid', facilitatorName: 'Fenna' });
	const p = practice.id as PracticeId;
	const board = 'intentie' as BoardId;
	const auth = { authorization: `Bearer ${practice.facilitator.token}` };
	const tokens = new Map<string, string>();
	for (const name of ['Anna', 'Bo', 'Cas']) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(practice.links.participant);
		await page.getByLabel('Jouw naam').fill(name);
		await page.getByRole('button', { name: 'Meedoen' }).click();
		await page.waitForURL(/\/p\/[^/]+$/, { waitUntil: 'commit' });
		tokens.set(name, (await context.cookies()).find((c) => c.name === `zw_${p}`)!.value);
		await context.close();
	}
	const members = ((await fetch(`${app.url}/api/practices/${p}/export`, { headers: auth }).then((r) => r.json())) as { members: { id: MemberId; name: string }[] }).members;
	const idOf = (name: string) => members.find((m) => m.name === name)!.id;
	const write = async (doc: string, token: string, by: MemberId, texts: string[]) => {
		const client = connect(`${app.url.replace('http', 'ws')}/collab`, doc, token);
		texts.forEach((text, i) =>
			createNote(client.doc, { createdBy: by, at: Date.now(), text, x: (i % 5) / 4, y: Math.floor(i / 5) / 6, color: NOTE_COLORS[i % NOTE_COLORS.length].id })
		);
		await client.saved();
		client.destroy();
	};
	const lines = ['Wat we van de wijk leerden', 'Bewoners willen eerder gehoord worden', 'Regels volgen, of de bedoeling?', 'Fietsen langs de dijk met de bewoners', 'Een gedeelde taal voor ons werk'];
	await write(collectiveDoc(p, board), practice.facilitator.token, idOf('Fenna'), lines.map((l, i) => `${l} (${i + 1})`));
	await write(laneDoc(p, board, idOf('Anna')), tokens.get('Anna')!, idOf('Anna'), Array.from({ length: 12 }, (_, i) => `${lines[i % 5]}: Anna ${i + 1}`));
	await write(laneDoc(p, board, idOf('Bo')), tokens.get('Bo')!, idOf('Bo'), Array.from({ length: 6 }, (_, i) => `${lines[(i + 2) % 5]}: Bo ${i + 1}`));
	const post = (path: string, body: unknown) =>
		fetch(`${app.url}/api/practices/${p}/boards/${board}${path}`, {
			method: 'POST',
			headers: { ...auth, origin: app.url, 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
	await post('/activities/collection-window', { deadline: Date.now() + 3 * 86_400_000, question: 'Wat nemen we mee uit dit jaar?' });
	await post('/activities/silent-round', { minutes: 10 });
	for (const size of SIZES) {
		const context = await browser.newContext(sizeOptions(size));
		const page = await context.newPage();
		await page.goto(practice.links.participant);
		await page.getByLabel('Jouw naam').fill(`Dirk ${size.name}`);
		await page.getByRole('button', { name: 'Meedoen' }).click();
		await page.waitForURL(/\/p\/[^/]+$/, { waitUntil: 'commit' });
		await page.goto(`${app.url}/p/${p}/b/${board}`);
		await page.locator('.canvas, .lane-list').first().waitFor();
		await page.getByRole('button', { name: 'Lijst', exact: true }).click();
		await page.locator('.lane-list article.note').nth(20).waitFor();
		await page.screenshot({ path: join(out, `list-${size.name}.png`) });
		await page.mouse.wheel(0, 1400);
		await page.waitForFunction(() => window.scrollY > 600);
		await page.screenshot({ path: join(out, `list-scrolled-${size.name}.png`) });
		await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
		await page.getByRole('searchbox').fill('bewoners');
		await page.getByRole('button', { name: 'Filters' }).click();
		await page.getByRole('searchbox').press('Enter');
		await page.getByRole('searchbox').press('Enter');
		await page.locator('.item.current').waitFor();
		await page.screenshot({ path: join(out, `list-find-${size.name}.png`) });
		await page.getByRole('button', { name: 'Zoeken sluiten' }).click();
		await page.locator('.lane-list article.note .note-text').first().click();
		await page.getByRole('dialog', { name: 'Notitie bewerken' }).waitFor();
		await page.keyboard.type(' — en wat nu?');
		await page.screenshot({ path: join(out, `list-sheet-${size.name}.png`) });
		await page.keyboard.press('Escape');
		// The same board as a canvas, with the round and the window running above it.
		await page.getByRole('button', { name: 'Bord', exact: true }).click();
		await page.locator('[data-note-frame]').first().waitFor();
		await page.screenshot({ path: join(out, `board-round-${size.name}.png`) });
		await context.close();

		// The facilitator's header: reveal, the window's form.
		const host = await browser.newContext(sizeOptions(size));
		const fenna = await host.newPage();
		await signIn(fenna, practice);
		await fenna.goto(`${app.url}/p/${p}/b/${board}`);
		await fenna.locator('.canvas, .lane-list').first().waitFor();
		await fenna.getByRole('button', { name: 'Bord', exact: true }).click();
		await fenna.locator('[data-note-frame]').first().waitFor();
		await fenna.screenshot({ path: join(out, `board-facilitator-${size.name}.png`) });
		await fenna.getByText('Verzamelperiode aanpassen').click();
		await fenna.getByLabel('Open tot').waitFor();
		await fenna.screenshot({ path: join(out, `board-window-form-${size.name}.png`) });
		await host.close();
	}
}
