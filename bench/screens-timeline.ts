/**
 * Screenshots of the timeline in edits (issue 13) at the three sizes: a board
 * with two meetings, two people writing (word by word) and an anonymous note;
 * the timeline stopped at the end of meeting 1 by playback, and at its end.
 * Needs a build (`npm run build`). Usage: node bench/screens-timeline.ts [outdir]
 */
import { join } from 'node:path';
import * as Y from 'yjs';
import { createPracticeViaApi } from '../tests/helpers/app.ts';
import { signIn } from '../tests/helpers/browser.ts';
import { connect, type TestClient } from '../tests/helpers/clients.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { createNote, moveNote, noteContent } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import { SIZES, sizeOptions, shotsDir, startShots } from './shots.ts';

const out = shotsDir();

const { app, browser, close } = await startShots();
try {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord', facilitatorName: 'Fenna' });
	const p = practice.id as PracticeId;
	const board = 'intentie' as BoardId;
	const fenna = practice.facilitator.id as MemberId;
	const auth = { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' };
	const api = (path: string, body: unknown) => fetch(`${app.url}/api/practices/${p}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) }).then((r) => r.json());
	const ws = `${app.url.replace('http', 'ws')}/collab`;
	const together = connect(ws, collectiveDoc(p, board), practice.facilitator.token);
	const own = connect(ws, laneDoc(p, board, fenna), practice.facilitator.token);
	const type = async (client: TestClient, id: NoteId, words: string[]) => {
		for (const word of words) {
			const text = (noteContent(client.doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
			text.insert(text.length, ` ${word}`);
			await client.saved();
		}
	};
	const today = new Date().toISOString().slice(0, 10);
	for (let m = 1; m <= 2; m++) {
		const { meeting } = await api('/meetings', { title: `Bijeenkomst ${m}`, date: today, agenda: [board] });
		const a = createNote(together.doc, { createdBy: fenna, at: Date.now(), text: m === 1 ? 'Regels van' : 'Wij luisteren', x: 0.1 * m, y: 0.1 });
		await together.saved();
		await type(together, a, m === 1 ? ['de', 'gemeente', 'of', 'de', 'bedoeling?'] : ['naar', 'de', 'hele', 'wijk']);
		const b = createNote(own.doc, { createdBy: fenna, at: Date.now(), text: m === 1 ? 'Fietsen langs' : 'Een gedeelde taal', x: 0.3, y: 0.2 * m });
		await own.saved();
		await type(own, b, ['met', 'de', 'bewoners']);
		moveNote(own.doc, b, 0.6, 0.2 * m);
		await own.saved();
		await api(`/meetings/${meeting.id}/end`, {});
	}
	together.destroy();
	own.destroy();

	for (const size of SIZES) {
		const context = await browser.newContext(sizeOptions(size));
		const page = await context.newPage();
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${p}/b/${board}/history`);
		await page.locator('.replay-board').waitFor();
		await page.getByRole('slider').focus();
		await page.keyboard.press('Home');
		await page.getByLabel('Snelheid').selectOption({ label: '60× zo snel' });
		await page.getByRole('button', { name: /Afspelen/ }).click();
		await page.locator('p.stopped').waitFor();
		await page.evaluate(() => scrollTo(0, 0));
		await page.screenshot({ path: join(out, `timeline-stopped-${size.name}.png`) });
		await page.getByRole('button', { name: /Afspelen/ }).click();
		await page.getByRole('button', { name: /Afspelen/ }).waitFor();
		await page.locator('p.stopped').waitFor();
		await page.screenshot({ path: join(out, `timeline-end-${size.name}.png`) });
		await page.screenshot({ path: join(out, `timeline-end-full-${size.name}.png`), fullPage: true });
		await context.close();
	}
} finally {
	await close();
}
console.log(`screenshots in ${out}`);
