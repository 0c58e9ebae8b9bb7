import type * as Y from 'yjs';
import type { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { laneView } from '../helpers/lane.ts';
import { anonymousDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, noteContent, notesMap } from '#lib/domain/notes.ts';
import type { RoundInfo } from '#lib/domain/practice.ts';
import { readRound } from '#lib/domain/activities.ts';
import { privateState, setAnonymous, setRound, type Visibility } from '#lib/domain/visibility.ts';
import type { BoardId, NoteId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';
import { ServiceError, type ServiceErrorCode } from '#server/errors.ts';

/**
 * A silent round: everyone writes on their own, nobody sees anything but how
 * many notes there are and who is ready; at the reveal every note appears at
 * once, as its author chose (shared with their name, or anonymous).
 */
const board = 'normativiteit' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let scope: Scope;

it.beforeEach(async ({ server: s, scope: sc, practice }) => {
	server = s;
	scope = sc;
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await practice({ participants: 2 });
});

const socket = () => scope.socket(server.wsUrl);
const provider = (s: HocuspocusProviderWebsocket, name: string, token: string): HocuspocusProvider => scope.provider(s, name, token);

/** A participant writing in their private lane. */
async function writer(session: Session) {
	const priv = provider(socket(), privateDoc(fx.practice.id, board, session.member.id), session.token);
	await expect.poll(() => priv.isSynced, { message: 'private lane synced' }).toBe(true);
	return {
		doc: priv.document,
		note(text: string, round: string | null, reveal: Visibility, anonymousNow = false): NoteId {
			const id = createNote(priv.document, { createdBy: session.member.id, at: Date.now(), text });
			if (anonymousNow) setAnonymous(priv.document, id, true);
			if (round) setRound(priv.document, id, round, reveal);
			return id;
		},
		saved: () => expect.poll(() => priv.unsyncedChanges === 0, { message: 'saved' }).toBe(true)
	};
}

/**
 * The observer's screen: the practice document, every shared lane and the
 * anonymous lane, with the moment each note first arrived, how many updates
 * brought new notes into each document, and every frame.
 */
async function observer() {
	const s = socket();
	const frames: Uint8Array[] = [];
	s.on('message', (event: MessageEvent) => frames.push(new Uint8Array(event.data as ArrayBuffer).slice()));
	const p = fx.practice.id;
	const practice = provider(s, practiceDoc(p), fx.observer.token);
	const lanes = [fx.facilitator, ...fx.participants].map((m) => provider(s, laneDoc(p, board, m.member.id), fx.observer.token));
	const anon = provider(s, anonymousDoc(p, board), fx.observer.token);
	const arrived = new Map<string, { at: number; wall: number; text: string; where: string }>();
	/** Per document: the updates that brought notes it did not have yet. */
	const bursts = new Map<string, number>();
	for (const lane of [...lanes, anon]) {
		lane.document.on('update', () => {
			const where = lane.configuration.name;
			let fresh = false;
			for (const n of laneView(lane.document)) {
				if (arrived.has(n.id)) continue;
				arrived.set(n.id, { at: performance.now(), wall: Date.now(), text: n.text, where });
				fresh = true;
			}
			if (fresh) bursts.set(where, (bursts.get(where) ?? 0) + 1);
		});
	}
	await expect.poll(() => [practice, ...lanes, anon].every((x) => x.isSynced), { message: 'observer synced' }).toBe(true);
	const round = () => readRound(practice.document, board);
	const texts = () => [...arrived.values()].map((a) => a.text).sort();
	/** Each document that received revealed notes received them in one update: none trickles in after the others. */
	const inOneBurst = () => [...bursts.values()].every((n) => n === 1);
	return { practice, lanes, anon, arrived, bursts, frames, round, texts, inOneBurst };
}

const containsText = (frames: Uint8Array[], text: string) => {
	const needle = Buffer.from(text);
	return frames.some((f) => Buffer.from(f).includes(needle));
};

describe('a silent round', () => {
	it('shows counts and who is ready, nothing else, and reveals every note in one burst', async () => {
		const p = fx.practice.id;
		const [piet, kim] = fx.participants;
		const watching = await observer();
		const round = await server.zwerm.activities.rounds.startRound(p, board, 60_000);
		await expect.poll(() => watching.round()?.id === round.id, { message: 'the round in the practice document' }).toBe(true);
		expect(watching.round()).toEqual({ id: round.id, startedAt: round.startedAt, endsAt: round.endsAt, revealedAt: null, notes: 0, people: 0, ready: [] } satisfies RoundInfo);

		const a = await writer(piet);
		const b = await writer(kim);
		a.note('buiten de ronde, privé', null, 'private');
		const pietShared = a.note('Piet deelt dit', round.id, 'shared');
		a.note('Piet anoniem', round.id, 'anonymous');
		b.note('Kim deelt dit', round.id, 'shared');
		// Already flagged anonymous while the round runs: still held back until the reveal.
		b.note('Kim anoniem', round.id, 'anonymous', true);
		const kimKeeps = b.note('Kim houdt het voor zich', round.id, 'private');
		await Promise.all([a.saved(), b.saved()]);

		await expect.poll(() => watching.round()?.notes === 5 && watching.round()?.people === 2, { message: 'the counts' }).toBe(true);
		await server.zwerm.activities.rounds.markReady(p, board, piet.member.id, true);
		await server.zwerm.activities.rounds.markReady(p, board, kim.member.id, true);
		await server.zwerm.activities.rounds.markReady(p, board, kim.member.id, false);
		await expect.poll(() => watching.round()?.ready.length === 1, { message: 'the ready list' }).toBe(true);
		expect(watching.round()).toMatchObject({ id: round.id, revealedAt: null, notes: 5, people: 2, ready: [piet.member.id] });

		// Nothing of the notes has reached anyone: not the lanes, not the anonymous lane, not one frame.
		await server.zwerm.durable.batcher.idle();
		expect(watching.arrived.size).toBe(0);
		for (const name of [laneDoc(p, board, piet.member.id), laneDoc(p, board, kim.member.id), anonymousDoc(p, board)]) {
			expect(listNotes(await server.zwerm.readDocument(name)), name).toEqual([]);
		}
		for (const text of ['Piet deelt dit', 'Piet anoniem', 'Kim deelt dit', 'Kim anoniem', 'Kim houdt', 'buiten de ronde']) {
			expect(containsText(watching.frames, text), text).toBe(false);
		}
		expect(watching.frames.length).toBeGreaterThan(0);

		const revealing = performance.now();
		await server.zwerm.activities.rounds.reveal(p, board);
		await expect.poll(() => watching.arrived.size === 4, { message: 'the four revealed notes' }).toBe(true);
		expect(watching.texts()).toEqual(['Kim anoniem', 'Kim deelt dit', 'Piet anoniem', 'Piet deelt dit']);
		const times = [...watching.arrived.values()].map((x) => x.at);
		expect(Math.min(...times)).toBeGreaterThanOrEqual(revealing);
		// Together: one update per document, not one per note (how far apart in time depends on the machine).
		expect(new Set([...watching.arrived.values()].map((x) => x.where)).size).toBe(3);
		expect(watching.inOneBurst(), JSON.stringify([...watching.bursts])).toBe(true);

		// Shared ones in their authors' lanes, with their names; anonymous ones without.
		const [, pietLane, kimLane] = watching.lanes.map((l) => laneView(l.document));
		expect(pietLane.map((n) => [n.text, n.createdBy])).toEqual([['Piet deelt dit', piet.member.id]]);
		expect(kimLane.map((n) => [n.text, n.createdBy])).toEqual([['Kim deelt dit', kim.member.id]]);
		expect(laneView(watching.anon.document).map((n) => [n.text, n.createdBy]).sort()).toEqual([['Kim anoniem', null], ['Piet anoniem', null]]);
		await expect.poll(() => watching.round()?.revealedAt != null, { message: 'the round marked revealed' }).toBe(true);
		expect(watching.round()?.id).toBe(round.id);
		expect(server.zwerm.activities.rounds.roundOf(p, board)).toBeNull();

		// In the private lanes: the shared note moved out, the rest is no longer held by the round.
		await expect.poll(() => !notesMap(a.doc).has(pietShared), { message: "Piet's shared note gone from his private lane" }).toBe(true);
		await expect.poll(() => [...notesMap(b.doc).keys()].every((id) => privateState(b.doc, id as NoteId)?.round === null), { message: "Kim's notes out of the round" }).toBe(true);
		expect(privateState(b.doc, kimKeeps)).toEqual({ visibility: 'private', round: null, reveal: 'private', named: false });
		expect(laneView(a.doc).map((n) => n.text).sort()).toEqual(['Piet anoniem', 'buiten de ronde, privé']);
		expect(containsText(watching.frames, 'Kim houdt')).toBe(false);
		expect(containsText(watching.frames, 'buiten de ronde')).toBe(false);

		// After the reveal, an anonymous note is mirrored again as it changes.
		const anonymous = [...notesMap(a.doc).keys()].find((id) => privateState(a.doc, id as NoteId)?.visibility === 'anonymous') as NoteId;
		const text = (noteContent(a.doc, anonymous).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, '!');
		await a.saved();
		await expect.poll(() => laneView(watching.anon.document).some((n) => n.text === 'Piet anoniem!'), { message: 'the edit to be mirrored' }).toBe(true);
	});

	it('reveals by itself when its time is up', async () => {
		const p = fx.practice.id;
		const [piet, kim] = fx.participants;
		const watching = await observer();
		const a = await writer(piet);
		const b = await writer(kim);
		// Long enough for the two notes and the refusals below to happen within it, also on a busy machine.
		const round = await server.zwerm.activities.rounds.startRound(p, board, 3000);

		// The things one cannot do meanwhile.
		const refused = async (what: Promise<unknown>, code: ServiceErrorCode) => {
			const error = await what.then(() => null, (e: unknown) => e);
			expect(error).toBeInstanceOf(ServiceError);
			expect((error as ServiceError).code).toBe(code);
		};
		await refused(server.zwerm.activities.rounds.startRound(p, board, 60_000), 'round-running');
		await refused(server.zwerm.activities.rounds.reveal(p, 'intentie' as BoardId), 'no-round');
		await refused(server.zwerm.activities.rounds.markReady(p, 'intentie' as BoardId, piet.member.id, true), 'no-round');

		a.note('op tijd gedeeld', round.id, 'shared');
		b.note('op tijd anoniem', round.id, 'anonymous');
		await Promise.all([a.saved(), b.saved()]);

		await expect.poll(() => watching.arrived.size, { message: 'the notes to appear without a reveal' }).toBe(2);
		// Nothing arrived before the round's time was up, and then all at once.
		for (const x of watching.arrived.values()) expect(x.wall).toBeGreaterThanOrEqual(round.endsAt);
		expect(watching.inOneBurst(), JSON.stringify([...watching.bursts])).toBe(true);
		expect(watching.texts()).toEqual(['op tijd anoniem', 'op tijd gedeeld']);
		await expect.poll(() => watching.round()?.revealedAt != null, { message: 'the round marked revealed' }).toBe(true);
		expect(watching.round()!.revealedAt!).toBeGreaterThanOrEqual(round.endsAt);
		expect(server.zwerm.activities.rounds.roundOf(p, board)).toBeNull();
		// A new round can start now.
		await expect(server.zwerm.activities.rounds.startRound(p, board, 60_000)).resolves.toMatchObject({ boardId: board });
	});
});
