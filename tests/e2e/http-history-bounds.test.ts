import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { describe, expect, it } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import { createPracticeViaApi } from '../helpers/app.ts';
import { laneDoc } from '#lib/domain/docnames.ts';
import { createNote, noteContent } from '#lib/domain/notes.ts';
import { applySteps, type BoardView, type ReplayPage, type ReplayStep } from '#lib/domain/history.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

/**
 * Issue 9, item 10, over HTTP: a board whose log holds a 2 MiB note edited
 * 100 times (written straight into the database, as from before the note
 * quota). Four members' worth of replays at once come back in compressed pages
 * under the budget, and /healthz keeps answering while they run.
 */
const board = 'intentie' as BoardId;

describe('history answers over HTTP', () => {
	it('pages a replay of a long note under the budget, compressed, while /healthz answers', async ({ app }) => {
		const practice = await createPracticeViaApi(app, { name: 'Lange notitie', facilitatorName: 'Fem' });
		const p = practice.id as PracticeId;
		const fem = practice.facilitator.id as MemberId;
		const name = laneDoc(p, board, fem);
		const doc = new Y.Doc();
		const db = new DatabaseSync(join(app.dataDir, 'zwerm.db'), { timeout: 5000 });
		const insert = db.prepare('INSERT INTO updates (doc, data, at, member_id) VALUES (?, ?, ?, ?)');
		doc.on('update', (u: Uint8Array) => insert.run(name, u, Date.now(), fem));
		const id = createNote(doc, { createdBy: fem, at: Date.now(), text: 'a'.repeat(2 * 1024 * 1024) });
		const text = (noteContent(doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		for (let i = 0; i < 100; i++) text.insert(i * 997, String(i % 10));
		db.close();

		const api = `${app.url}/api/practices/${p}/boards/${board}/history`;
		const auth = { authorization: `Bearer ${practice.facilitator.token}` };
		const { head } = (await fetch(api, { headers: auth }).then((r) => r.json())) as { head: number };

		/** The whole replay, page by page; each page's size as sent and as JSON. */
		const replay = async () => {
			let from = 0;
			let view: BoardView | null = null;
			const steps: ReplayStep[] = [];
			const sizes: { json: number; encoding: string | null }[] = [];
			while (from < head) {
				// node's fetch decompresses, and keeps the header that says it was compressed.
				const res = await fetch(`${api}/replay?from=${from}&to=${head}${from === 0 ? '' : '&view=0'}`, { headers: { ...auth, 'accept-encoding': 'gzip' } });
				expect(res.status).toBe(200);
				const body = await res.text();
				sizes.push({ json: Buffer.byteLength(body), encoding: res.headers.get('content-encoding') });
				const page = JSON.parse(body) as ReplayPage;
				view ??= page.view;
				steps.push(...page.steps);
				from = page.to;
			}
			return { view: view!, steps, sizes };
		};

		let running = true;
		let healthAnswers = 0;
		const polling = (async () => {
			while (running) {
				const res = await fetch(`${app.url}/healthz`);
				if (res.ok && running) healthAnswers++;
				await res.arrayBuffer();
			}
		})();
		const results = await Promise.all([replay(), replay(), replay(), replay()]);
		const answeredDuring = healthAnswers;
		running = false;
		await polling;

		expect(answeredDuring, '/healthz answered while the four replays ran').toBeGreaterThan(0);
		for (const { view, steps, sizes } of results) {
			expect(steps).toHaveLength(101);
			for (const s of sizes) expect(s.json).toBeLessThanOrEqual(1024 * 1024);
			expect(sizes[0].encoding).toBe('gzip');
			const last = await fetch(`${api}/view?seq=${head}`, { headers: auth }).then((r) => r.json() as Promise<BoardView>);
			expect(applySteps(view, steps).notes).toEqual(last.notes);
		}
	});
});
