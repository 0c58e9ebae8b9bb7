import { describe, expect, it } from '../helpers/fixture.ts';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';

import { RECONNECT, reconnectSettings } from '#lib/sync/socket.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

const CLIENTS = 200;

describe('after a server restart', () => {
	it('200 clients reconnect with backoff and jitter (no burst) and converge', { timeout: 90000 }, async ({ scope }) => {
		const dataDir = scope.tempDir('zwerm-storm-');
		const first = await scope.spawnServer(dataDir, { setup: { participants: 1 } });
		const { practiceId, participants } = first.setup!;
		const name = collectiveDoc(practiceId as PracticeId, 'intentie' as BoardId);
		const clients = Array.from({ length: CLIENTS }, () => {
			// The same reconnect settings as the board page.
			const socket = new HocuspocusProviderWebsocket({ url: first.wsUrl, ...reconnectSettings() });
			const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: new Y.Doc(), token: participants[0].token });
			provider.attach();
			scope.defer(() => socket.destroy());
			const client = { socket, provider, reconnectedAt: 0, lostAt: 0, attempts: [] as number[] };
			socket.on('status', ({ status }: { status: string }) => {
				if (status === 'connecting') client.attempts.push(performance.now());
				if (status === 'disconnected') client.lostAt ||= performance.now();
			});
			return client;
		});
		await expect.poll(() => clients.every((c) => c.provider.isSynced), { message: 'all clients synced', timeout: 30000 }).toBe(true);

		for (const c of clients) {
			c.attempts.length = 0;
			c.lostAt = 0;
		}
		await first.kill9();
		await expect.poll(() => clients.every((c) => c.socket.status !== 'connected'), { message: 'all clients to notice', timeout: 10000 }).toBe(true);
		for (const c of clients) c.socket.on('connect', () => (c.reconnectedAt ||= Date.now()));
		await scope.spawnServer(dataDir, { port: first.port });
		await expect.poll(() => clients.every((c) => c.reconnectedAt > 0 && c.provider.isSynced), { message: 'all clients back and synced', timeout: 60000 }).toBe(true);

		// Backoff: while the server was down, nobody kept hammering it. Counted over the first 3 s after the
		// drop, as long as a restart takes on an idle machine: on a busy one the server stays down longer,
		// and a client that backs off correctly goes on trying now and then all that time.
		for (const c of clients) expect(c.attempts.filter((at) => at - c.lostAt < 3000).length).toBeLessThanOrEqual(6);
		// Jitter: after losing the server at the same moment, each client waited its
		// own time before its first attempt (a fixed delay would bring all 200 back
		// together). Measured per client, from the moment it saw the connection drop.
		const waits = clients.map((c) => c.attempts[0] - c.lostAt).sort((a, b) => a - b);
		expect(waits.every((w) => Number.isFinite(w) && w > 0)).toBe(true);
		expect(waits[Math.floor(waits.length * 0.9)] - waits[Math.floor(waits.length * 0.1)]).toBeGreaterThanOrEqual(500);
		expect(waits[0]).toBeGreaterThanOrEqual((RECONNECT.delay / 2) * 0.9);

		// Everyone writes once; everyone ends up with everyone's note.
		clients.forEach((c, i) => createNote(c.provider.document, { createdBy: participants[0].memberId as MemberId, at: i, text: `na herstart ${i}` }));
		await expect.poll(() => clients.every((c) => listNotes(c.provider.document).length === CLIENTS), { message: 'every client to have all notes', timeout: 60000 }).toBe(true);
		await expect.poll(() => clients.every((c) => c.provider.unsyncedChanges === 0), { message: 'every note acknowledged', timeout: 30000 }).toBe(true);
		const reference = JSON.stringify(listNotes(clients[0].provider.document));
		for (const c of clients) expect(JSON.stringify(listNotes(c.provider.document))).toBe(reference);
	});
});
