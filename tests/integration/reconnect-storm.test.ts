import { afterEach, describe, expect, it } from 'vitest';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { killChildServers, spawnServer } from '../helpers/child.ts';
import { removeDir, tempDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/clients.ts';
import { RECONNECT } from '../../src/lib/sync/socket.ts';
import { collectiveDoc } from '../../src/lib/domain/docnames.ts';
import { createNote, listNotes } from '../../src/lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '../../src/lib/domain/ids.ts';

const CLIENTS = 200;
const dirs: string[] = [];
const sockets: HocuspocusProviderWebsocket[] = [];

afterEach(async () => {
	for (const s of sockets.splice(0)) s.destroy();
	await killChildServers();
	for (const d of dirs.splice(0)) removeDir(d);
});

describe('after a server restart', () => {
	it('200 clients reconnect with backoff and jitter (no burst) and converge', { timeout: 90000 }, async () => {
		const dataDir = tempDir('zwerm-storm-');
		dirs.push(dataDir);
		const first = await spawnServer(dataDir, { setup: { participants: 1 } });
		const { practiceId, participants } = first.setup!;
		const name = collectiveDoc(practiceId as PracticeId, 'intentie' as BoardId);
		const clients = Array.from({ length: CLIENTS }, () => {
			// The same reconnect settings as the board page.
			const socket = new HocuspocusProviderWebsocket({ url: first.wsUrl, ...RECONNECT });
			const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: new Y.Doc(), token: participants[0].token });
			provider.attach();
			sockets.push(socket);
			return { socket, provider, reconnectedAt: 0 };
		});
		await waitFor(() => clients.every((c) => c.provider.isSynced), 'all clients synced', 30000);

		await first.kill9();
		await waitFor(() => clients.every((c) => c.socket.status !== 'connected'), 'all clients to notice', 10000);
		const restartedAt = Date.now();
		for (const c of clients) c.socket.on('connect', () => (c.reconnectedAt ||= Date.now()));
		await spawnServer(dataDir, { port: first.port });
		await waitFor(() => clients.every((c) => c.reconnectedAt > 0 && c.provider.isSynced), 'all clients back and synced', 60000);

		// Reconnects spread out over the jitter window (typically seconds) instead of
		// arriving at once (without jitter, clients that lost the server together
		// retry within a few milliseconds of each other). Only a modest spread is
		// asserted: on a loaded machine this process's own event loop bunches the
		// moments it observes.
		const times = clients.map((c) => c.reconnectedAt - restartedAt).sort((a, b) => a - b);
		expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(100);

		// Everyone writes once; everyone ends up with everyone's note.
		clients.forEach((c, i) => createNote(c.provider.document, { createdBy: participants[0].memberId as MemberId, at: i, text: `na herstart ${i}` }));
		await waitFor(() => clients.every((c) => listNotes(c.provider.document).length === CLIENTS), 'every client to have all notes', 60000);
		await waitFor(() => clients.every((c) => c.provider.unsyncedChanges === 0), 'every note acknowledged', 30000);
		const reference = JSON.stringify(listNotes(clients[0].provider.document));
		for (const c of clients) expect(JSON.stringify(listNotes(c.provider.document))).toBe(reference);
	});
});
