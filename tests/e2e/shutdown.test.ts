import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import type { TestClient } from '../helpers/clients.ts';
import { readStored } from '../helpers/db.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

/**
 * SIGTERM drains the app as `npm start` runs it: connections close with
 * "server shutting down", pending stores flush (every document folded into a
 * checkpoint), the process exits 0, and every acknowledged edit is on disk.
 */

describe('graceful shutdown', () => {
	it('closes connections, flushes every document into a checkpoint, exits 0, and keeps every acknowledged edit', async ({ scope, connect }) => {
		const app = await scope.startApp();
		const practice = await createPracticeViaApi(app, { name: 'Afsluiten', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const board = 'intentie' as BoardId;
		const me = practice.facilitator.id as MemberId;
		const wsUrl = `${app.url.replace('http', 'ws')}/collab`;
		const names = [collectiveDoc(p, board), laneDoc(p, board, me)];
		const closes: { code: number; reason: string }[] = [];
		const clients: TestClient[] = [];
		for (const name of names) {
			const client = connect(wsUrl, name, practice.facilitator.token);
			client.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => closes.push({ code: event.code, reason: event.reason }));
			clients.push(client);
		}
		await Promise.all(clients.map((c) => c.saved()));

		// Edits keep coming; some are acknowledged when the signal arrives.
		const acknowledged: string[] = [];
		let writing = true;
		const writer = (async () => {
			for (let i = 0; writing; i++) {
				const client = clients[i % clients.length];
				const text = `voor het afsluiten ${i}`;
				createNote(client.doc, { createdBy: me, at: Date.now(), text });
				await client.saved().then(
					() => acknowledged.push(text),
					() => undefined
				);
			}
		})();
		await expect.poll(() => acknowledged.length >= 20, { message: 'some acknowledged edits', timeout: 20000 }).toBe(true);

		const exited = new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
		app.child.kill('SIGTERM');
		expect(await exited).toBe(0);
		writing = false;
		void writer;
		clients.forEach((c) => c.destroy());

		// Every client was told why.
		await expect.poll(() => closes.length >= names.length, { message: 'both connections closed' }).toBe(true);
		expect(closes.some((c) => c.code === 1001 && c.reason === 'server-shutting-down')).toBe(true);

		// On disk: each document folded into a checkpoint covering its whole log, holding every acknowledged edit.
		const onDisk = new Set<string>();
		for (const name of names) {
			const stored = readStored(app.dataDir, name);
			expect(stored.log.length, name).toBeGreaterThan(0);
			expect(stored.updatesAfterCheckpoint, `${name}: pending store flushed`).toBe(0);
			for (const n of listNotes(stored.doc)) onDisk.add(plainText(noteContent(stored.doc, n.id)));
		}
		for (const text of acknowledged) expect(onDisk.has(text), text).toBe(true);

		// And the app starts again on the same data with all of it.
		const again = await scope.startApp({ dataDir: app.dataDir });
		const reader = connect(`${again.url.replace('http', 'ws')}/collab`, names[0], practice.facilitator.token);
		await reader.saved();
		const texts = listNotes(reader.doc).map((n) => plainText(noteContent(reader.doc, n.id)));
		for (const text of acknowledged.filter((t) => Number(t.split(' ').at(-1)) % 2 === 0)) expect(texts).toContain(text);
	});
});
