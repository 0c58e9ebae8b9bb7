import { vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import { setUpPractice } from '../helpers/practice.ts';
import { postgresAvailable, stallLogWrites, type TestDatabase } from '../helpers/postgres.ts';
import { createRandom, type Random } from '../helpers/random.ts';
import { laneView } from '../helpers/lane.ts';
import { PostgresStorage } from '#server/storage/postgres.ts';
import { checkRedis } from '#server/redis.ts';
import { anonymousDoc, collectiveDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { readRound } from '#lib/domain/activities.ts';
import { setAnonymous, setRound } from '#lib/domain/visibility.ts';
import { createNote, listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId } from '#lib/domain/ids.ts';

/**
 * Redis scale-out: two instances on different ports share one PostgreSQL
 * database and one Redis. Clients on either see the same board and each
 * other's presence, and the history log holds every update exactly once
 * (logged by the instance its author is connected to).
 * ZWERM_TEST_REDIS_URL points at another Redis; `off` skips these tests.
 */
const REDIS_URL = process.env.ZWERM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const board = 'actanten' as BoardId;

let scope: Scope;
let db: TestDatabase | null = null;

it.beforeEach(({ scope: sc }) => {
	scope = sc;
	db = null;
});
it.afterEach(() => {
	vi.restoreAllMocks();
});

/** Two instances on one fresh database, with a Redis prefix of their own (parallel runs do not hear each other). */
async function twoInstances(): Promise<[TestServer, TestServer]> {
	await checkRedis(REDIS_URL).catch((error: unknown) => {
		throw new Error(`No Redis for the tests at ${REDIS_URL} (${String(error)}). Start one, or set ZWERM_TEST_REDIS_URL=off to skip these tests.`);
	});
	db = await scope.database();
	const url = db.url;
	const redis = { url: REDIS_URL, prefix: `zwerm-test-${randomBytes(6).toString('hex')}` };
	const a = await scope.startServer({ storage: () => PostgresStorage.open(url), redis });
	const b = await scope.startServer({ storage: () => PostgresStorage.open(url), redis });
	return [a, b];
}

/** A provider that counts the updates it sends (one per local transaction, as the provider does). */
function editor(wsUrl: string, name: string, token: string) {
	const client = scope.connect(wsUrl, name, token);
	let sent = 0;
	client.doc.on('update', (_: Uint8Array, origin: unknown) => {
		if (origin !== client.provider) sent++;
	});
	return { client, sent: () => sent };
}

/** One edit: a new note, or a word typed at the end of any note (the other instance's too). */
function edit(doc: Y.Doc, memberId: MemberId, label: string, i: number, random: Random): void {
	const notes = listNotes(doc);
	if (notes.length === 0 || random.bool(0.6)) {
		createNote(doc, { createdBy: memberId, at: i, text: `${label}-${i}`, x: random.next(), y: random.next() });
	} else {
		const text = (noteContent(doc, random.pick(notes).id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, ` ${label}${i}`);
	}
}

type StateMap = Map<number, Record<string, unknown>>;
const userOf = (states: StateMap, clientId: number) => states.get(clientId)?.user as { name?: string; memberId?: string } | undefined;

describe.skipIf(!postgresAvailable || REDIS_URL === 'off')('two instances sharing PostgreSQL and Redis', () => {
	it('converge, see each other’s presence, and log each update once', async () => {
		// The extension's store lock may be taken by the other instance: it says so on console.error.
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const [a, b] = await twoInstances();
		expect(a.port).not.toBe(b.port);
		const { practice, facilitator, participants, observer } = await setUpPractice(a.zwerm.practices, { participants: 1 });
		const name = collectiveDoc(practice.id, board);

		// Written through A before B has ever loaded the document.
		const onA = editor(a.wsUrl, name, facilitator.token);
		await onA.client.saved();
		const random = createRandom(61);
		for (let i = 0; i < 5; i++) edit(onA.client.doc, facilitator.member.id, 'a', i, random);
		await onA.client.saved();

		const onB = editor(b.wsUrl, name, participants[0].token);
		await onB.client.saved();
		expect(laneView(onB.client.doc)).toEqual(laneView(onA.client.doc));

		// Presence crosses instances, with the identity the server knows (not the one claimed).
		onA.client.provider.setAwarenessField('user', { name: 'Iemand anders', color: '#112233' });
		onB.client.provider.setAwarenessField('user', { name: 'Nog iemand', color: '#445566' });
		const idA = onA.client.doc.clientID;
		const idB = onB.client.doc.clientID;
		const statesOnA = () => onA.client.provider.awareness!.getStates() as StateMap;
		const statesOnB = () => onB.client.provider.awareness!.getStates() as StateMap;
		await expect.poll(() => userOf(statesOnA(), idB)?.name === 'Deelnemer 1', { message: 'B’s client in A’s awareness' }).toBe(true);
		await expect.poll(() => userOf(statesOnB(), idA)?.name === 'Fenna', { message: 'A’s client in B’s awareness' }).toBe(true);
		expect(userOf(statesOnA(), idB)).toMatchObject({ memberId: participants[0].member.id, color: '#445566' });
		expect(userOf(statesOnB(), idA)).toMatchObject({ memberId: facilitator.member.id, color: '#112233' });
		// A watcher on B, only there to leave again (below).
		const watcher = scope.connect(b.wsUrl, name, observer.token);
		await watcher.saved();
		watcher.provider.setAwarenessField('user', { color: '#778899' });
		await expect.poll(() => userOf(statesOnA(), watcher.doc.clientID)?.name === 'Olga', { message: 'the watcher in A’s awareness' }).toBe(true);

		// Both write at once: 50 edits each, in bursts, with pauses so the instances interleave.
		const write = async (doc: Y.Doc, memberId: MemberId, label: string, seed: number) => {
			const r = createRandom(seed);
			for (let i = 0; i < 50; ) {
				for (let burst = r.int(1, 5); burst > 0 && i < 50; burst--, i++) edit(doc, memberId, label, i, r);
				// Pauses of their own, so the two instances' edits interleave: part of the scenario.
				await new Promise((resolve) => setTimeout(resolve, r.int(0, 15)));
			}
		};
		await Promise.all([
			write(onA.client.doc, facilitator.member.id, 'a', 1),
			write(onB.client.doc, participants[0].member.id, 'b', 2)
		]);
		await Promise.all([onA.client.saved(), onB.client.saved()]);
		const same = () => JSON.stringify(laneView(onA.client.doc)) === JSON.stringify(laneView(onB.client.doc));
		await expect.poll(same, { message: 'both clients to converge', timeout: 20000 }).toBe(true);
		const converged = laneView(onA.client.doc);
		expect(converged.filter((n) => n.createdBy === facilitator.member.id).length).toBeGreaterThan(5);
		expect(converged.filter((n) => n.createdBy === participants[0].member.id).length).toBeGreaterThan(0);

		// The log: each update once, by the instance its author was connected to.
		const rows = await db!.query<{ data: Uint8Array; member_id: string | null }>(
			'SELECT data, member_id FROM updates WHERE doc = $1 ORDER BY seq',
			[name]
		);
		const byMember = (id: string) => rows.filter((r) => r.member_id === id).length;
		expect(byMember(facilitator.member.id), 'rows of A’s client = its updates').toBe(onA.sent());
		expect(byMember(participants[0].member.id), 'rows of B’s client = its updates').toBe(onB.sent());
		expect(rows.length).toBe(onA.sent() + onB.sent());
		expect(new Set(rows.map((r) => Buffer.from(r.data).toString('base64'))).size, 'no update logged twice').toBe(rows.length);
		const replayed = new Y.Doc();
		for (const row of rows) Y.applyUpdate(replayed, row.data);
		expect(replayed.store.pendingStructs, 'the log is causal: nothing waits for a later entry').toBeNull();
		expect(laneView(replayed)).toEqual(converged);

		// Presence also leaves across instances, long before states time out (30 s): a client that
		// is not B's last on the document, then B's last one.
		watcher.destroy();
		await expect.poll(() => !statesOnA().has(watcher.doc.clientID), { message: 'the watcher gone from A’s awareness' }).toBe(true);
		expect(statesOnA().has(idB)).toBe(true);
		onB.client.destroy();
		await expect.poll(() => !statesOnA().has(idB), { message: 'B’s client gone from A’s awareness' }).toBe(true);
	});

	it('keeps silent rounds and removals whole across instances: a round on A counts and holds back what is written on B, takes B’s ready and reveal; a removal on A cuts off B', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const [a, b] = await twoInstances();
		b.zwerm.mirror.mirrorDelayMs = 20;
		const { practice, participants } = await setUpPractice(a.zwerm.practices, { participants: 2 });
		const [anna, bert] = participants;
		const p = practice.id;

		// A runs the round; Anna writes on B, anonymously, during it.
		const round = await a.zwerm.activities.rounds.startRound(p, board, 60_000);
		const privateName = privateDoc(p, board, anna.member.id);
		const writer = scope.connect(b.wsUrl, privateName, anna.token);
		await writer.saved();
		const id = createNote(writer.doc, { createdBy: anna.member.id, at: Date.now(), text: 'pas na de onthulling' });
		setAnonymous(writer.doc, id, true);
		setRound(writer.doc, id, round.id, 'anonymous');
		await writer.saved();
		// B mirrors Anna's private document (as it does after every change): the round is open on A, so nothing shows.
		await b.zwerm.mirror.mirror(privateName);
		const anonymousTexts = async (server: TestServer) => {
			const doc = await server.zwerm.readDocument(anonymousDoc(p, board));
			return listNotes(doc).map((n) => plainText(noteContent(doc, n.id)));
		};
		expect(await anonymousTexts(b)).toEqual([]);
		expect(await anonymousTexts(a)).toEqual([]);
		// The round's counts include what was written on B; Bert, on B, says he is ready; B cannot start a second round.
		const roundOn = async (server: TestServer) => readRound(await server.zwerm.readDocument(practiceDoc(p)), board);
		await expect.poll(async () => (await roundOn(b))?.notes, { timeout: 15000 }).toBe(1);
		await b.zwerm.activities.rounds.markReady(p, board, bert.member.id, true);
		await expect.poll(async () => (await roundOn(a))?.ready).toEqual([bert.member.id]);
		await expect(b.zwerm.activities.rounds.startRound(p, board, 60_000)).rejects.toMatchObject({ code: 'round-running' });
		// The facilitator's "reveal" lands on B: A, which runs the round, reveals. Now it is there, on both.
		await b.zwerm.activities.rounds.reveal(p, board);
		await expect.poll(() => anonymousTexts(a)).toEqual(['pas na de onthulling']);
		await expect.poll(() => anonymousTexts(b)).toEqual(['pas na de onthulling']);

		// Bert is on B; the facilitator removes him through A: B cuts him off at once.
		const onB = scope.watched(b.wsUrl, collectiveDoc(p, board), bert.token);
		await onB.client.saved();
		await a.zwerm.practices.removeMember(p, bert.member.id);
		await expect.poll(() => onB.log.closed.length > 0, { message: 'Bert’s socket on B to close' }).toBe(true);
		await expect.poll(() => onB.log.denied.length > 0, { message: 'Bert refused on reconnecting', timeout: 10000 }).toBe(true);
	});

	it('mirrors an anonymous note once when both instances mirror its document at the same moment', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const [a, b] = await twoInstances();
		const { practice, participants } = await setUpPractice(a.zwerm.practices, { participants: 1 });
		const [anna] = participants;
		const p = practice.id;
		const privateName = privateDoc(p, board, anna.member.id);
		const writer = scope.connect(b.wsUrl, privateName, anna.token);
		await writer.saved();
		const texts = ['een', 'twee', 'drie', 'vier', 'vijf'];
		for (const text of texts) {
			const id = createNote(writer.doc, { createdBy: anna.member.id, at: Date.now(), text });
			setAnonymous(writer.doc, id, true);
			await writer.saved();
			// A reveal or a tick on A and the author's change on B: both mirror the same document at once.
			await Promise.all([a.zwerm.mirror.mirror(privateName), b.zwerm.mirror.mirror(privateName)]);
		}
		const anonymousTexts = async (server: TestServer) => {
			const doc = await server.zwerm.readDocument(anonymousDoc(p, board));
			return listNotes(doc)
				.map((n) => plainText(noteContent(doc, n.id)))
				.sort();
		};
		// One copy of each note on both instances, and one link each: no orphan that no erasure would find.
		await expect.poll(() => anonymousTexts(a), { timeout: 15000 }).toEqual([...texts].sort());
		await expect.poll(() => anonymousTexts(b), { timeout: 15000 }).toEqual([...texts].sort());
		expect(await a.zwerm.storage.records.anonymousLinks.of(privateName)).toHaveLength(texts.length);
	});

	it('an instance learns of an update only once it is in the log', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const [a, b] = await twoInstances();
		const { practice, facilitator, participants } = await setUpPractice(a.zwerm.practices, { participants: 1 });
		const name = collectiveDoc(practice.id, board);
		const onA = editor(a.wsUrl, name, facilitator.token);
		const onB = editor(b.wsUrl, name, participants[0].token);
		await Promise.all([onA.client.saved(), onB.client.saved()]);
		const first = createNote(onA.client.doc, { createdBy: facilitator.member.id, at: 1, text: 'eerst' });
		await expect.poll(() => listNotes(onB.client.doc).some((n) => n.id === first), { message: 'the first note on B' }).toBe(true);

		// A cannot write its log: its client gets no "saved", and B (nor B's client) hears nothing.
		const release = await stallLogWrites(db!);
		scope.defer(release);
		const held: NoteId = createNote(onA.client.doc, { createdBy: facilitator.member.id, at: 2, text: 'vastgehouden' });
		await expect.poll(() => a.zwerm.durable.batcher.pending(name) > 0, { message: 'A to be writing the note' }).toBe(true);
		// Watching for a while that nothing happens is the scenario here: 1.5 s of looking, not a wait for something.
		const until = Date.now() + 1500;
		while (Date.now() < until) {
			expect(b.zwerm.hocuspocus.documents.get(name)?.getMap('notes').has(held) ?? false, 'B holds the unlogged note').toBe(false);
			expect(listNotes(onB.client.doc).some((n) => n.id === held)).toBe(false);
			expect(onA.client.provider.unsyncedChanges, 'A’s client was told "saved"').toBeGreaterThan(0);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}

		await release();
		await onA.client.saved();
		await expect.poll(() => listNotes(onB.client.doc).some((n) => n.id === held), { message: 'the held note on B once logged' }).toBe(true);
		const rows = await db!.query<{ n: string }>('SELECT COUNT(*) AS n FROM updates WHERE doc = $1', [name]);
		expect(Number(rows[0].n)).toBe(onA.sent());
	});
});
