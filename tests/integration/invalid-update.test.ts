import { vi, type MockInstance } from 'vitest';
import { describe, expect, it } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { RawClient } from '../helpers/raw-client.ts';
import { syncStep2Frame, updateFrame } from '../helpers/protocol.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import { readStored } from '../helpers/db.ts';
import { laneView } from '../helpers/lane.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, notesMap } from '#lib/domain/notes.ts';
import type { BoardId, NoteId } from '#lib/domain/ids.ts';

/**
 * A client that sends what no provider would: bytes that are not an update,
 * and an update from an invented client whose clock starts past anything the
 * server has seen (Yjs would keep it "pending": invisible, yet stored and
 * sent to everyone). The server must drop that client's connection, keep
 * serving everyone else, and keep none of it.
 */
const board = 'activiteit' as BoardId;
let server: TestServer;
let scope: Scope;
let fx: PracticeFixture;
let name: string;
let honest: TestClient;
let witness: TestClient;
let serverErrors: MockInstance<typeof console.error>;

it.beforeEach(async ({ scope: sc }) => {
	scope = sc;
	// Hocuspocus reports each refused message on console.error; collect instead of printing.
	serverErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
	server = await scope.startServer();
	fx = await setUpPractice(server.zwerm.practices);
	name = collectiveDoc(fx.practice.id, board);
	honest = scope.connect(server.wsUrl, name, fx.facilitator.token, new Y.Doc());
	witness = scope.connect(server.wsUrl, name, fx.participants[0].token, new Y.Doc());
	await Promise.all([honest.saved(), witness.saved()]);
	createNote(honest.doc, { createdBy: fx.facilitator.member.id, at: 1, text: 'voor de aanval' });
	await honest.saved();
});

it.afterEach(() => {
		// Whatever the server complained about, it was the invalid updates and nothing else.
	const complaints = serverErrors.mock.calls.map((args) => args.map(String).join(' '));
	serverErrors.mockRestore();
	for (const complaint of complaints) expect(complaint).toContain('invalid-update');
});

/** The first answer the server gives after `from`: either it closes the document connection or it acknowledges. */
async function answerTo(raw: RawClient, from: number) {
	return raw.next(['close', 'sync-status'], from);
}

/** The honest client still works: its next note reaches the witness and is stored. */
async function stillServing(text: string): Promise<NoteId> {
	const id = createNote(honest.doc, { createdBy: fx.facilitator.member.id, at: 9, text });
	await honest.saved();
	await expect.poll(() => listNotes(witness.doc).some((n) => n.id === id), { message: 'the witness to see the honest note' }).toBe(true);
	return id;
}

/** An update from `clientID` whose first change has clock `startClock`: a gap the server cannot fill. */
function forgedUpdate(clientID: number, startClock: number): { update: Uint8Array; noteId: NoteId } {
	const forger = new Y.Doc();
	forger.clientID = clientID;
	forger.getText('filler').insert(0, 'x'.repeat(startClock));
	const noteId = 'Forged-note-0001' as NoteId;
	// In the name of the participant who sends it: the schema check (tests/integration/schema.test.ts) is not under test here.
	createNote(forger, { id: noteId, createdBy: fx.participants[0].member.id, at: 1, text: 'vervalst' });
	const update = Y.encodeStateAsUpdate(forger, Y.encodeStateVector(new Map([[clientID, startClock]])));
	expect(Y.parseUpdateMeta(update).from.get(clientID)).toBe(startClock);
	return { update, noteId };
}

/** Client ids and note ids in every log entry of the document on disk. */
function storedClients(): Set<number> {
	const clients = new Set<number>();
	for (const entry of readStored(server.dataDir, name).log) for (const client of Y.parseUpdateMeta(entry).from.keys()) clients.add(client);
	return clients;
}

describe('invalid updates', () => {
	it.each([
		['truncated bytes', new Uint8Array([1, 2, 3, 4, 5])],
		['an overlong number', new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255])],
		['an empty payload', new Uint8Array([])]
	])('closes the connection on a malformed update (%s), and only that one', async (_, garbage) => {
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		const from = raw.received.length;
		raw.send(updateFrame(name, garbage));

		const answer = await answerTo(raw, from);
		expect(answer).toMatchObject({ type: 'close', reason: 'invalid-update' });

		// That connection is gone: a valid update sent on it now is not applied.
		const after = raw.received.length;
		const later = new Y.Doc();
		createNote(later, { id: 'After-close-0001' as NoteId, createdBy: fx.participants[0].member.id, at: 1, text: 'na het sluiten' });
		raw.send(updateFrame(name, Y.encodeStateAsUpdate(later)));

		await stillServing('na de aanval');
		expect(raw.received.slice(after).some((m) => m.type === 'sync-status' && m.applied)).toBe(false);
		expect(listNotes(witness.doc).map((n) => n.id)).not.toContain('After-close-0001');
	});

	it.each([
		['as an update', updateFrame],
		['as a sync step 2', syncStep2Frame]
	])('closes the connection on an update with a gap (%s) and keeps none of it', async (_, frame) => {
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		const { update, noteId } = forgedUpdate(987654321, 1000);
		const from = raw.received.length;
		raw.send(frame(name, update));

		expect(await answerTo(raw, from)).toMatchObject({ type: 'close', reason: 'invalid-update' });
		const kept = await stillServing('na de vervalsing');

		// Not pending in the live document, so not handed to anyone who syncs now.
		const live = await server.zwerm.readDocument(name);
		expect(live.store.pendingStructs).toBeNull();
		const newcomer = scope.connect(server.wsUrl, name, fx.facilitator.token, new Y.Doc());
		await newcomer.saved();
		expect(newcomer.doc.store.pendingStructs).toBeNull();
		expect(Y.decodeStateVector(Y.encodeStateVector(newcomer.doc)).has(987654321)).toBe(false);

		// Not on disk, and not back after a restart.
		await server.zwerm.durable.batcher.idle();
		expect(storedClients().has(987654321)).toBe(false);
		for (const c of [honest, witness, newcomer]) c.destroy();
		await server.stop();
		server = await scope.startServer({ dataDir: server.dataDir });
		const fresh = scope.connect(server.wsUrl, name, fx.facilitator.token, new Y.Doc());
		await fresh.saved();
		const ids = laneView(fresh.doc).map((n) => n.id);
		expect(ids).toContain(kept);
		expect(ids).not.toContain(noteId);
		expect(notesMap(fresh.doc).has(noteId)).toBe(false);
		expect(fresh.doc.store.pendingStructs).toBeNull();
		expect(Y.decodeStateVector(Y.encodeStateVector(fresh.doc)).has(987654321)).toBe(false);
	});

	it('accepts the same forged client once its update has no gap', async () => {
		// The control: an invented client id as such is fine; the gap is what is refused.
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		const { update, noteId } = forgedUpdate(987654321, 0);
		const from = raw.received.length;
		raw.send(updateFrame(name, update));
		expect(await answerTo(raw, from)).toMatchObject({ type: 'sync-status', applied: true });
		await expect.poll(() => listNotes(witness.doc).some((n) => n.id === noteId), { message: 'the witness to see it' }).toBe(true);
	});

	/*
	 * A refusal closes the websocket itself (not only Hocuspocus' document
	 * connection), so a real provider reconnects and resyncs.
	 */
	it('closes the websocket itself with 4400, so a provider reconnects', async () => {
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		raw.send(updateFrame(name, new Uint8Array([1, 2, 3, 4, 5])));
		await raw.next('close');
		await expect.poll(() => raw.closed, { message: 'the websocket to close' }).toEqual({ code: 4400, reason: 'invalid-update' });
	});

	/*
	 * A clock-gap check alone is not enough: an update from a fresh client
	 * (clock 0, so no gap of its own) whose item is anchored to another client's
	 * item the server never saw, or that only deletes unknown items, would be
	 * kept pending by Yjs: invisible, and handed to everyone who syncs
	 * (Y.encodeStateAsUpdate includes pending structs). Both are refused.
	 */
	it.each([
		[
			'an item anchored to an unknown item of another client',
			() => {
				const ghost = new Y.Doc();
				ghost.clientID = 111111;
				ghost.getText('t').insert(0, 'onzichtbaar');
				const forger = new Y.Doc();
				forger.clientID = 222222;
				Y.applyUpdate(forger, Y.encodeStateAsUpdate(ghost));
				forger.getText('t').insert(5, 'X');
				return Y.encodeStateAsUpdate(forger, Y.encodeStateVector(ghost));
			}
		],
		[
			'a delete of items the server does not have',
			() => {
				const forger = new Y.Doc();
				forger.clientID = 333333;
				forger.getText('t').insert(0, 'weg');
				const before = Y.encodeStateVector(forger);
				forger.getText('t').delete(0, 3);
				return Y.encodeStateAsUpdate(forger, before);
			}
		]
	])('refuses %s', async (_, make) => {
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		const from = raw.received.length;
		raw.send(updateFrame(name, make()));
		const answer = await answerTo(raw, from);
		const live = await server.zwerm.readDocument(name);
		expect({ pendingStructs: live.store.pendingStructs, pendingDs: live.store.pendingDs }).toEqual({ pendingStructs: null, pendingDs: null });
		expect(answer).toMatchObject({ type: 'close', reason: 'invalid-update' });
	});
});
