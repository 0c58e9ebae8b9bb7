import { describe, expect, it, type Open } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { laneView } from '../helpers/lane.ts';
import { anonymousDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote } from '#lib/domain/notes.ts';
import { setAnonymous, setRound } from '#lib/domain/visibility.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';

/**
 * The curious member's view of the anonymous lane: every update they receive
 * and every step of its history. Neither the grouping of notes into writes nor
 * their order inside one may follow the authors (THREAT_MODEL.md, Anonymity).
 * The ground truth (which anonymous note is whose) is the server's link table,
 * read here as only the operator could.
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let open: Open;

it.beforeEach(async ({ server: s, open: o, practice }) => {
	server = s;
	open = o;
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await practice({ participants: 4 });
});

/** An observer on the anonymous lane, keeping every update it receives. */
async function curious(p: PracticeId) {
	const anon = open(anonymousDoc(p, board), fx.observer.token);
	await anon.saved();
	const updates: Uint8Array[] = [];
	anon.doc.on('update', (update: Uint8Array) => updates.push(update));
	return { anon, updates };
}

/** Note ids created at the root of the notes map, in the order an update carries them. */
function notesIn(update: Uint8Array): string[] {
	return Y.decodeUpdate(update)
		.structs.filter((s): s is Y.Item => s instanceof Y.Item && (s.parent as unknown) === 'notes' && typeof s.parentSub === 'string')
		.map((s) => s.parentSub!);
}

/** anonymous note id → author, from the server's link table (the operator's knowledge, not a member's). */
async function authors(p: PracticeId, writers: readonly Session[]): Promise<Map<string, string>> {
	const out = new Map<string, string>();
	for (const w of writers) {
		for (const { anonId } of await server.zwerm.storage.records.anonymousLinks.of(privateDoc(p, board, w.member.id))) out.set(anonId, w.member.id);
	}
	return out;
}

/** How many runs of one author a sequence of notes has: as many as authors means grouped by author. */
function authorRuns(notes: readonly string[], owner: Map<string, string>): number {
	let runs = 0;
	notes.forEach((id, i) => {
		if (i === 0 || owner.get(id) !== owner.get(notes[i - 1])) runs++;
	});
	return runs;
}

/** Everything the timeline gives any member about the anonymous lane. */
async function anonymousHistory(p: PracticeId) {
	const { entries, head } = await server.zwerm.timeline.timeline(p, board);
	const { steps } = await server.zwerm.timeline.replay(p, board, 0, head);
	const anonSteps = steps.filter((s) => s.changed.some((n) => n.lane === 'anonymous'));
	return { entries: entries.filter((e) => e.lane === 'anonymous'), anonSteps };
}

describe('anonymous notes of several authors', () => {
	it('are revealed after a silent round in one write, in an order that does not follow the authors', async () => {
		const p = fx.practice.id;
		const writers = fx.participants;
		const watching = await curious(p);
		const round = await server.zwerm.activities.rounds.startRound(p, board, 60_000);
		const perAuthor = 5;
		for (const w of writers) {
			const priv = open(privateDoc(p, board, w.member.id), w.token);
			await priv.saved();
			for (let i = 0; i < perAuthor; i++) {
				const id = createNote(priv.doc, { createdBy: w.member.id, at: Date.now(), text: `${w.member.name} ${i}` });
				setRound(priv.doc, id, round.id, 'anonymous');
			}
			await priv.saved();
		}
		await server.zwerm.activities.rounds.reveal(p, board);
		await expect.poll(() => laneView(watching.anon.doc).length).toBe(writers.length * perAuthor);

		// One update carried them all: nothing groups one author's notes apart from another's.
		const carrying = watching.updates.filter((u) => notesIn(u).length > 0);
		expect(carrying).toHaveLength(1);
		const order = notesIn(carrying[0]);
		expect(order).toHaveLength(writers.length * perAuthor);
		// Inside it, notes are not grouped by author (in member order or any other): with 20 notes of 4
		// authors, a shuffle groups them with a chance of about 1 in 500 million.
		const owner = await authors(p, writers);
		expect(owner.size).toBe(writers.length * perAuthor);
		expect(authorRuns(order, owner)).toBeGreaterThan(writers.length);

		// The timeline and the replay: one step and one entry for the whole reveal, without time or author.
		const history = await anonymousHistory(p);
		expect(history.entries).toHaveLength(1);
		expect(history.entries[0]).toMatchObject({ at: null, by: 'anonymous' });
		expect(history.anonSteps).toHaveLength(1);
		expect(authorRuns(history.anonSteps[0].changed.map((n) => n.id), owner)).toBeGreaterThan(writers.length);
	});

	it('written outside a round, reach the group in writes that mix authors, not one write per author', async () => {
		const p = fx.practice.id;
		const writers = fx.participants;
		const perAuthor = 4;
		// A wider window than the other tests use, so every author's changes fall into it on a busy machine.
		server.zwerm.mirror.mirrorDelayMs = 1000;
		const watching = await curious(p);
		const clients = writers.map((w) => ({ w, priv: open(privateDoc(p, board, w.member.id), w.token) }));
		await Promise.all(clients.map(({ priv }) => priv.saved()));
		for (const { w, priv } of clients) {
			for (let i = 0; i < perAuthor; i++) setAnonymous(priv.doc, createNote(priv.doc, { createdBy: w.member.id, at: Date.now(), text: `${w.member.name} ${i}` }), true);
		}
		await Promise.all(clients.map(({ priv }) => priv.saved()));
		await expect.poll(() => laneView(watching.anon.doc).length).toBe(writers.length * perAuthor);

		// One update, one log entry, one replay step for all of them.
		const carrying = watching.updates.filter((u) => notesIn(u).length > 0);
		expect(carrying).toHaveLength(1);
		const owner = await authors(p, writers);
		const order = notesIn(carrying[0]);
		expect(new Set(order.map((id) => owner.get(id)))).toEqual(new Set(writers.map((w) => w.member.id)));
		// Inside it, not grouped by author: 16 notes of 4 authors in 4 runs by chance about 1 in 2.6 million.
		expect(authorRuns(order, owner)).toBeGreaterThan(writers.length);
		const history = await anonymousHistory(p);
		expect(history.entries).toHaveLength(1);
		expect(history.anonSteps).toHaveLength(1);
		expect(authorRuns(history.anonSteps[0].changed.map((n) => n.id), owner)).toBeGreaterThan(writers.length);
	});
});
