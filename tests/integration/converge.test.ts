import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, removeDir, type TestServer } from '../helpers/server.ts';
import { connect, synced, waitFor, type TestClient } from '../helpers/clients.ts';
import { collectiveDoc } from '../../src/lib/domain/docnames.ts';
import { createNote, listNotes, noteContent, plainText, moveNote } from '../../src/lib/domain/notes.ts';
import type { BoardId } from '../../src/lib/domain/ids.ts';

const board = 'intentie' as BoardId;
let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
	clients.splice(0).forEach((c) => c.destroy());
	await server?.stop();
	if (server) removeDir(server.dataDir);
	server = undefined;
});

describe('two clients on one collective lane', () => {
	it('converge on notes, text and positions', async () => {
		server = await startTestServer();
		const { practice, facilitator } = await server.zwerm.practices.create({ name: 'Wijkteam', facilitatorName: 'Fem' });
		const participant = await server.zwerm.practices.join(practice.participantInvite, { name: 'Piet' });
		const name = collectiveDoc(practice.id, board);
		const a = connect(server.wsUrl, name, facilitator.token);
		const b = connect(server.wsUrl, name, participant!.token);
		clients.push(a, b);
		await Promise.all([synced(a), synced(b)]);

		const id = createNote(a.doc, { createdBy: facilitator.member.id, at: 1, text: 'Waarom zijn wij hier?', x: 0.2, y: 0.3 });
		await waitFor(() => listNotes(b.doc).length === 1, 'note on b');
		moveNote(b.doc, id, 0.7, 0.1);
		await waitFor(() => listNotes(a.doc)[0]?.x === 0.7, 'move on a');

		expect(plainText(noteContent(b.doc, id))).toBe('Waarom zijn wij hier?');
		expect(listNotes(a.doc)).toEqual(listNotes(b.doc));
	});
});
