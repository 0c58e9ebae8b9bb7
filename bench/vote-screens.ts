/**
 * Screenshots of a dot vote at the three sizes: the banner and dots while
 * open (participant, facilitator), the ranked result after close. Needs a
 * build. Usage: node bench/vote-screens.ts [outdir]
 */
import { join } from 'node:path';
import { createPracticeViaApi } from '../tests/helpers/app.ts';
import { signIn } from '../tests/helpers/browser.ts';
import { connect } from '../tests/helpers/clients.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote } from '#lib/domain/notes.ts';
import { NOTE_GAP, NOTE_H, NOTE_W } from '#lib/domain/board-space.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import { SIZES, sizeOptions, shotsDir, startShots } from './shots.ts';

const out = shotsDir();
const board = 'intentie' as BoardId;

const { app, browser, close } = await startShots();
try {
	for (const size of SIZES) {
		const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
		const client = connect(`${app.url.replace('http', 'ws')}/collab`, collectiveDoc(practice.id as PracticeId, board), practice.facilitator.token);
		await client.saved();
		const texts = ['Vaker samen eten met de buurt', 'Minder mail, meer bellen', 'Een vaste koffieronde op vrijdag', 'De wijkagent uitnodigen'];
		const ids = texts.map((text, i) =>
			createNote(client.doc, {
				createdBy: practice.facilitator.id as MemberId,
				at: Date.now() + i,
				text,
				place: { x: NOTE_GAP + (i % 2) * (NOTE_W + NOTE_GAP), y: NOTE_GAP + Math.floor(i / 2) * (NOTE_H + NOTE_GAP), kind: 'collective' }
			})
		);
		await client.saved();
		client.destroy();
		const api = `${app.url}/api/practices/${practice.id}/boards/${board}/activities/vote`;
		const auth = { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' };

		const options = sizeOptions(size);
		const fctx = await browser.newContext(options);
		const fenna = await fctx.newPage();
		await signIn(fenna, practice);
		await fenna.goto(`${app.url}/p/${practice.id}/b/${board}`);
		await fenna.locator('.canvas, .lane-list').first().waitFor();
		if (size.touch) await fenna.getByRole('button', { name: 'Bord', exact: true }).click();
		// The vote form is one of Begeleiden's tools.
		await fenna.getByRole('button', { name: 'Begeleiden' }).click();
		await fenna.getByRole('dialog', { name: 'Begeleiden' }).getByText('Stemmen', { exact: true }).click();
		await fenna.screenshot({ path: join(out, `vote-form-${size.name}.png`) });
		await fenna.getByLabel('Tijd in min. (leeg: geen timer)').fill('10');
		await fenna.getByRole('button', { name: 'Stemming openen' }).click();

		const pctx = await browser.newContext(options);
		const ann = await pctx.newPage();
		await ann.goto(practice.links.participant);
		await ann.getByLabel('Jouw naam').fill('Ann');
		await ann.getByRole('button', { name: 'Meedoen' }).click();
		await ann.waitForURL(/\/p\/[^/]+$/, { waitUntil: 'commit' });
		await ann.goto(`${app.url}/p/${practice.id}/b/${board}`);
		await ann.locator('.canvas, .lane-list').first().waitFor();
		if (size.touch) {
			await ann.locator('.lane-list').waitFor();
			await ann.getByText('Je hebt nog 3 stippen').first().waitFor();
			await ann.screenshot({ path: join(out, `vote-open-list-${size.name}.png`) });
			await ann.getByRole('button', { name: 'Bord', exact: true }).click();
		}
		await ann.getByText('Je hebt nog 3 stippen').first().waitFor();
		for (const id of [ids[0], ids[0], ids[2]]) {
			await ann.evaluate(async ([url, noteId]) => {
				await fetch(`${url}/place`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ noteId }) });
			}, [api.replace(app.url, ''), id] as const);
		}
		await ann.reload();
		await ann.locator('.canvas, .lane-list').first().waitFor();
		if (size.touch) await ann.getByRole('button', { name: 'Bord', exact: true }).click();
		await ann.getByText('Al je stippen staan').first().waitFor();
		await ann.waitForTimeout(400);
		await ann.screenshot({ path: join(out, `vote-open-${size.name}.png`) });
		if (!size.touch) await fenna.getByText('1 persoon heeft alle stippen gezet').first().waitFor();
		else await fenna.waitForTimeout(500);
		await fenna.reload();
		await fenna.locator('.canvas, .lane-list').first().waitFor();
		if (size.touch) await fenna.getByRole('button', { name: 'Bord', exact: true }).click();
		await fenna.waitForTimeout(600);
		await fenna.screenshot({ path: join(out, `vote-open-facilitator-${size.name}.png`) });

		await fetch(`${api}/place`, { method: 'POST', headers: auth, body: JSON.stringify({ noteId: ids[3] }) });
		await fetch(api, { method: 'DELETE', headers: auth });
		await ann.getByText('Uitslag van de stemming').waitFor();
		await ann.screenshot({ path: join(out, `vote-result-${size.name}.png`) });
		if (size.touch) {
			await ann.getByText('Uitslag van de stemming').click();
			await ann.screenshot({ path: join(out, `vote-result-open-${size.name}.png`) });
			await ann.getByRole('button', { name: 'Lijst', exact: true }).click();
			await ann.locator('.lane-list').waitFor();
			await ann.screenshot({ path: join(out, `vote-result-list-${size.name}.png`), fullPage: true });
		}
		await fctx.close();
		await pctx.close();
	}
} finally {
	await close();
}
