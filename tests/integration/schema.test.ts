import { vi, type MockInstance } from 'vitest';
import { describe, expect, it } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import type { TestClient } from '../helpers/clients.ts';
import { syncStep2Frame, updateFrame } from '../helpers/protocol.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import { readStored } from '../helpers/db.ts';
import { laneView } from '../helpers/lane.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, noteContent, notesMap, setPlainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId } from '#lib/domain/ids.ts';

/**
 * A participant who writes the collective lane by hand, past the UI: notes in
 * someone else's name, fields and types the board does not know, oversized
 * text, an author changed afterwards. The server must refuse each update with
 * `4422 schema-violation` before applying it: nobody else sees any of it,
 * nothing of it is on disk, and the board is the same after a restart.
 */
const board = 'activiteit' as BoardId;
const FORGER = 424242;
let server: TestServer;
let scope: Scope;
let fx: PracticeFixture;
let name: string;
let honest: TestClient;
let witness: TestClient;
let existing: NoteId;
let serverErrors: MockInstance<typeof console.error>;

it.beforeEach(async ({ scope: sc }) => {
	scope = sc;
	serverErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
	// Quotas off: a note too large is theirs to refuse first (server/extensions/quota.ts); here the schema's own bounds are tested.
	server = await scope.startServer({ quota: NO_QUOTA });
	fx = await setUpPractice(server.zwerm.practices);
	name = collectiveDoc(fx.practice.id, board);
	honest = scope.connect(server.wsUrl, name, fx.facilitator.token, new Y.Doc());
	witness = scope.connect(server.wsUrl, name, fx.participants[0].token, new Y.Doc());
	await Promise.all([honest.saved(), witness.saved()]);
	existing = createNote(honest.doc, { createdBy: fx.facilitator.member.id, at: 1, text: 'van de facilitator' });
	await honest.saved();
	await expect.poll(() => notesMap(witness.doc).has(existing), { message: 'the witness to see the honest note' }).toBe(true);
});

it.afterEach(() => {
	const complaints = serverErrors.mock.calls.map((args) => args.map(String).join(' '));
	serverErrors.mockRestore();
	for (const complaint of complaints) expect(complaint).toContain('schema-violation');
});

/** A forger's copy of the live lane, with its own client id, and the update its change makes. */
async function forge(change: (doc: Y.Doc, me: MemberId) => void): Promise<Uint8Array> {
	const doc = new Y.Doc();
	doc.clientID = FORGER;
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(await server.zwerm.readDocument(name)));
	const before = Y.encodeStateVector(doc);
	change(doc, fx.participants[0].member.id);
	return Y.encodeStateAsUpdate(doc, before);
}

const note = (doc: Y.Doc, id: NoteId) => notesMap(doc).get(id)!;
const NO_QUOTA = { noteWeight: Infinity, documentBytes: Infinity, memberBurstBytes: Infinity, memberBytesPerMinute: Infinity, memberBytesPerHour: Infinity };

const attacks: [string, (doc: Y.Doc, me: MemberId) => void, RegExp][] = [
	[
		'a note in the facilitator’s name',
		(doc) => createNote(doc, { id: 'Forged-note-0001' as NoteId, createdBy: fx.facilitator.member.id, at: 1, text: 'namens Fenna' }),
		/createdBy must be the member/
	],
	['a note posing as an anonymous bring-in (createdBy null)', (doc) => createNote(doc, { id: 'Forged-note-0002' as NoteId, createdBy: null, at: 1, text: 'anoniem?' }), /createdBy/],
	['an unknown top-level type', (doc) => doc.getMap('votes').set('Forged-note-0003', 1000), /unknown top-level type "votes"/],
	['an unknown note field', (doc) => note(doc, existing).set('pinnedBy', 'iedereen'), /unknown note field "pinnedBy"/],
	['a wrong-typed field', (doc) => note(doc, existing).set('x', '<script>'), /field x of the wrong type/],
	['an oversize text', (doc) => setPlainText(noteContent(doc, existing), 'x'.repeat(100_001)), /longer than 100000 characters/],
	['createdBy changed later', (doc, me) => note(doc, existing).set('createdBy', me), /createdBy of an existing note cannot change/],
	['createdBy removed later', (doc) => note(doc, existing).delete('createdBy'), /createdBy of a note cannot be deleted/],
	// The dialogue question a note answers (coverage map): a small whole number, nothing else.
	['a question given as text', (doc) => note(doc, existing).set('question', '1'), /field question of the wrong type/],
	['a question past the last index', (doc) => note(doc, existing).set('question', 32), /field question of the wrong type/],
	['a fractional question', (doc) => note(doc, existing).set('question', 0.5), /field question of the wrong type/],
	['a negative question', (doc) => note(doc, existing).set('question', -1), /field question of the wrong type/]
];

describe('updates that do not fit the lane schema', () => {
	it.each(attacks.flatMap(([what, change, why]) => [
		[what, 'an update', updateFrame, change, why] as const,
		[what, 'a sync step 2', syncStep2Frame, change, why] as const
	]))('refuses %s (as %s): nothing applied, stored or sent on', async (_, _as, frame, change, why) => {
		const before = laneView(honest.doc);
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		const update = await forge(change);
		const from = raw.received.length;
		raw.send(frame(name, update));

		const answer = await raw.next(['close', 'sync-status'], from);
		expect(answer.type).toBe('close');
		expect((answer as { reason: string }).reason).toMatch(/^schema-violation: /);
		expect((answer as { reason: string }).reason).toMatch(why);
		await expect.poll(() => raw.closed !== null, { message: 'the websocket to close' }).toBe(true);
		expect(raw.closed).toEqual({ code: 4422, reason: 'schema-violation' });

		// The honest clients go on; the witness sees their next note and nothing of the forger.
		const after = createNote(honest.doc, { createdBy: fx.facilitator.member.id, at: 2, text: 'daarna' });
		await honest.saved();
		await expect.poll(() => notesMap(witness.doc).has(after), { message: 'the witness to see the next honest note' }).toBe(true);
		expect(Y.decodeStateVector(Y.encodeStateVector(witness.doc)).has(FORGER)).toBe(false);
		expect(laneView(witness.doc).filter((n) => n.id !== after)).toEqual(before);
		expect(witness.doc.share.has('votes')).toBe(false);

		// Not on disk, and the board after a restart is what it was plus the honest note.
		await server.zwerm.durable.batcher.idle();
		const stored = readStored(server.dataDir, name);
		for (const entry of stored.log) expect(Y.parseUpdateMeta(entry).from.has(FORGER)).toBe(false);
		for (const c of [honest, witness]) c.destroy();
		await server.stop();
		server = await scope.startServer({ dataDir: server.dataDir, quota: NO_QUOTA });
		const fresh = scope.connect(server.wsUrl, name, fx.observer.token, new Y.Doc());
		await expect.poll(() => fresh.provider.isSynced, { message: 'the reloaded board' }).toBe(true);
		expect(laneView(fresh.doc).filter((n) => n.id !== after)).toEqual(before);
		expect(laneView(fresh.doc).map((n) => n.id)).toContain(after);
		expect(fresh.doc.share.has('votes')).toBe(false);
	});

	it('accepts the same participant’s honest note in their own name (the control)', async () => {
		const raw = await scope.raw(server.wsUrl);
		await raw.open(name, fx.participants[0].token);
		const update = await forge((doc, me) => createNote(doc, { id: 'Honest-note-0001' as NoteId, createdBy: me, at: 1, text: 'van mij' }));
		const from = raw.received.length;
		raw.send(updateFrame(name, update));
		expect(await raw.next(['close', 'sync-status'], from)).toMatchObject({ type: 'sync-status', applied: true });
		await expect.poll(() => notesMap(witness.doc).has('Honest-note-0001'), { message: 'the witness to see it' }).toBe(true);
		expect(laneView(witness.doc).find((n) => n.id === 'Honest-note-0001')).toMatchObject({
			createdBy: fx.participants[0].member.id,
			text: 'van mij'
		});
	});
});
