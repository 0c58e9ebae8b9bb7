import { vi, type MockInstance } from 'vitest';
import * as Y from 'yjs';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import { authFrame, syncStep2Frame, updateFrame } from '../helpers/protocol.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import { readStored } from '../helpers/db.ts';
import { anonymousDoc, collectiveDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes } from '#lib/domain/notes.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { setAnonymous } from '#lib/domain/visibility.ts';
import { type BoardId, type MemberId, type NoteId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';
import { newToken } from '#server/tokens.ts';

/**
 * Who may open what, as a table: every kind of caller against every kind of
 * document, reading and writing, through real websockets. A refused read
 * gets nothing of the document; a refused write is not in what the server
 * holds (live or stored) nor in what a client connecting afterwards receives.
 */
const board = 'intentie' as BoardId;

type Outcome = 'read-write' | 'readonly' | 'unauthorized' | 'not-found' | 'forbidden';
const DOCS = [
	'practice',
	'collective',
	'anonymous',
	'own lane',
	"other's lane",
	'own private',
	"other's private",
	'lane of unknown member',
	'unknown board',
	'malformed name'
] as const;
type DocKind = (typeof DOCS)[number];

interface Caller {
	/** The token it presents. */
	token: () => string;
	/** Whose "own" documents it aims at (a caller without identity aims at the first participant's). */
	self: () => Session;
	other: () => Session;
	expect: Record<DocKind, Outcome>;
}

const MEMBER = (own: Outcome, observer = false): Record<DocKind, Outcome> => ({
	practice: 'readonly',
	collective: observer ? 'readonly' : 'read-write',
	anonymous: 'readonly',
	'own lane': own,
	"other's lane": 'readonly',
	'own private': own,
	"other's private": 'forbidden',
	'lane of unknown member': 'not-found',
	'unknown board': 'not-found',
	'malformed name': 'not-found'
});
/** The room's screen: reads what the group sees (its "own" documents are the first participant's), never a private document, writes nothing. */
const SCREEN: Record<DocKind, Outcome> = {
	practice: 'readonly',
	collective: 'readonly',
	anonymous: 'readonly',
	'own lane': 'readonly',
	"other's lane": 'readonly',
	'own private': 'forbidden',
	"other's private": 'forbidden',
	'lane of unknown member': 'not-found',
	'unknown board': 'not-found',
	'malformed name': 'not-found'
};
// Identity is checked first; only a name that cannot be a document is refused before that.
const NOBODY: Record<DocKind, Outcome> = {
	...(Object.fromEntries(DOCS.map((d) => [d, 'unauthorized'])) as Record<DocKind, Outcome>),
	'malformed name': 'not-found'
};

let server: TestServer;
let fx: PracticeFixture;
let stranger: PracticeFixture;
let removed: Session;
let oldInvite: string;
let screenToken: string;
let endedScreenToken: string;
let currentInvite: string;
/** The note seeded in each document, so a reader has something to (not) receive. */
const seeded = new Map<string, NoteId>();
/** For each document that exists, the token of someone who may read it. */
const permitted = new Map<string, string>();
let refusals: MockInstance<typeof console.error>;
/** Where the seeding clients live: they are closed with the file. */
let seeding: Scope;

const p = () => fx.practice.id;
const P1 = () => fx.participants[0];
const P2 = () => fx.participants[1];

const CALLERS: Record<string, Caller> = {
	facilitator: { token: () => fx.facilitator.token, self: () => fx.facilitator, other: P1, expect: MEMBER('read-write') },
	'participant (lane owner)': { token: () => P1().token, self: P1, other: P2, expect: MEMBER('read-write') },
	'another participant': { token: () => P2().token, self: P2, other: P1, expect: MEMBER('read-write') },
	// Observers have no lane and no private notes: their "own" documents do not exist.
	observer: { token: () => fx.observer.token, self: () => fx.observer, other: P1, expect: MEMBER('not-found', true) },
	'member of another practice': { token: () => stranger.participants[0].token, self: () => stranger.participants[0], other: P1, expect: NOBODY },
	'no token': { token: () => '', self: P1, other: P2, expect: NOBODY },
	'guessed token': { token: () => newToken(), self: P1, other: P2, expect: NOBODY },
	'removed member': { token: () => removed.token, self: () => removed, other: P1, expect: NOBODY },
	'room screen': { token: () => screenToken, self: P1, other: P2, expect: SCREEN },
	'ended room screen': { token: () => endedScreenToken, self: P1, other: P2, expect: NOBODY },
	'renewed-away invite': { token: () => oldInvite, self: P1, other: P2, expect: NOBODY },
	'current invite (not a session)': { token: () => currentInvite, self: P1, other: P2, expect: NOBODY }
};

function docName(kind: DocKind, caller: Caller): string {
	const self = caller.self().member.id;
	const other = caller.other().member.id;
	switch (kind) {
		case 'practice':
			return practiceDoc(p());
		case 'collective':
			return collectiveDoc(p(), board);
		case 'anonymous':
			return anonymousDoc(p(), board);
		case 'own lane':
			return laneDoc(p(), board, self);
		case "other's lane":
			return laneDoc(p(), board, other);
		case 'own private':
			return privateDoc(p(), board, self);
		case "other's private":
			return privateDoc(p(), board, other);
		case 'lane of unknown member':
			return laneDoc(p(), board, 'Nobody-0123456789' as MemberId);
		case 'unknown board':
			return collectiveDoc(p(), 'geen-bord' as BoardId);
		case 'malformed name':
			// An "anonymous document per author" does not exist, whatever is appended.
			return `${anonymousDoc(p(), board)}/${other}`;
	}
}

async function write(name: string, token: string, memberId: MemberId | null, text: string, anonymous = false): Promise<NoteId> {
	if (!permitted.has(name)) permitted.set(name, token);
	const writer = seeding.watched(server.wsUrl, name, token);
	await writer.client.saved();
	const id = createNote(writer.client.doc, { createdBy: memberId, at: 1, text });
	if (anonymous) setAnonymous(writer.client.doc, id, true);
	await writer.client.saved();
	expect(writer.log.refused).toBe(0);
	writer.client.destroy();
	return id;
}

/** What the server holds of a document: loaded copy (or storage) and the database file. */
async function held(name: string): Promise<{ live: string[]; stored: string[] }> {
	await server.zwerm.durable.batcher.idle();
	return {
		live: listNotes(await server.zwerm.readDocument(name)).map((n) => n.id),
		stored: listNotes(readStored(server.dataDir, name).doc).map((n) => n.id)
	};
}

/** The document content a permitted reader must receive. */
function hasContent(name: string, doc: Y.Doc): boolean {
	if (name === practiceDoc(p())) return readPractice(doc).name === fx.practice.name;
	const id = seeded.get(name);
	if (!id) throw new Error(`nothing seeded in ${name}`);
	return listNotes(doc).some((n) => n.id === id);
}

const isEmpty = (doc: Y.Doc) => doc.store.clients.size === 0 && doc.store.pendingStructs === null;

// Hundreds of refused sign-ins from one address on purpose: without the per-address budget
// for failed sign-ins (tested in stranger-limits.test.ts) each refusal keeps its own reason.
it.override('fileServerOptions', { limits: { authFailuresPerMinute: Infinity } });
// Every test's clients connect to the file's server.
it.override('wsUrl', ({ fileServer }) => fileServer.wsUrl);

it.beforeAll(async ({ fileServer, fileScope }) => {
	refusals = vi.spyOn(console, 'error').mockImplementation(() => {});
	server = fileServer;
	seeding = fileScope;
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await setUpPractice(server.zwerm.practices, { participants: 3 });
	stranger = await setUpPractice(server.zwerm.practices, { name: 'Andere praktijk' });
	removed = fx.participants[2];

	// Something to read in every document that exists, each written by whoever may write it.
	seeded.set(collectiveDoc(p(), board), await write(collectiveDoc(p(), board), fx.facilitator.token, fx.facilitator.member.id, 'samen'));
	for (const s of [fx.facilitator, P1(), P2(), removed]) {
		const lane = laneDoc(p(), board, s.member.id);
		const priv = privateDoc(p(), board, s.member.id);
		seeded.set(lane, await write(lane, s.token, s.member.id, `gedeeld van ${s.member.name}`));
		seeded.set(priv, await write(priv, s.token, s.member.id, `privé van ${s.member.name}`));
	}
	// The anonymous document is written by the server only: a participant's anonymous note, mirrored.
	await write(privateDoc(p(), board, P2().member.id), P2().token, P2().member.id, 'anoniem', true);
	const anon = anonymousDoc(p(), board);
	// (expect.poll belongs to tests; vi.waitFor polls in a hook.)
	const anonId = await vi.waitFor(
		async () => {
			const id = listNotes(await server.zwerm.readDocument(anon))[0]?.id;
			if (!id) throw new Error('the anonymous note was never mirrored');
			return id;
		},
		{ timeout: 10000, interval: 50 }
	);
	seeded.set(anon, anonId);
	permitted.set(anon, fx.facilitator.token);
	permitted.set(practiceDoc(p()), fx.facilitator.token);

	await server.zwerm.practices.removeMember(p(), removed.member.id);
	// A removed member's shared notes stay readable for the group; their private notes for nobody.
	permitted.set(laneDoc(p(), board, removed.member.id), fx.facilitator.token);
	permitted.delete(privateDoc(p(), board, removed.member.id));
	const screens = server.zwerm.screens;
	screenToken = (await screens.pair((await screens.offer(fx.facilitator.member)).code))!.token;
	const ended = await screens.offer(fx.facilitator.member);
	endedScreenToken = (await screens.pair(ended.code))!.token;
	await screens.end(p(), ended.screenId);
	oldInvite = fx.practice.participantInvite;
	const renewed = await server.zwerm.practices.renewInvites(p());
	currentInvite = renewed.participant.split('/').pop()!;
	expect(currentInvite).not.toBe(oldInvite);
});

it.afterAll(() => {
	const logged = refusals.mock.calls.map((args) => args.map(String).join(' '));
	refusals.mockRestore();
	// The server complained about the refusals and nothing else.
	for (const line of logged) expect(line).toMatch(/^\[onAuthenticate\] (unauthorized|not-found|forbidden)/);
});

describe.each(Object.entries(CALLERS))('%s', (_, caller) => {
	it.for(DOCS.map((d) => [d, caller.expect[d]] as const))('%s: %s', async ([kind, outcome], { attempt, raw: rawConnect }) => {
		const name = docName(kind, caller);
		const token = caller.token();
		const reader = await attempt(name, token);
		const memberId = caller.self().member.id;

		if (outcome !== 'read-write' && outcome !== 'readonly') {
			// Read refused, with the reason, and not one byte of the document.
			expect(reader.log.denied).toEqual([outcome]);
			expect(reader.log.scope).toBeNull();
			expect(isEmpty(reader.client.doc)).toBe(true);

			// Write refused: an update sent together with the authentication (before the
			// answer) and another one after it, over a bare socket.
			const raw = await rawConnect();
			const forged = new Y.Doc();
			const attempted = createNote(forged, { createdBy: memberId, at: 1, text: 'ingebroken' });
			raw.send(authFrame(name, token));
			raw.send(syncStep2Frame(name, Y.encodeStateAsUpdate(forged)));
			raw.send(updateFrame(name, Y.encodeStateAsUpdate(forged)));
			const answer = await raw.next(['authenticated', 'permission-denied']);
			expect(answer).toMatchObject({ type: 'permission-denied', reason: outcome });
			raw.send(updateFrame(name, Y.encodeStateAsUpdate(forged)));
			// A round trip on another, permitted document: anything before it has been handled.
			const from = raw.received.length;
			raw.send(authFrame(collectiveDoc(p(), 'activiteit' as BoardId), fx.facilitator.token));
			await raw.next('authenticated', from);
			expect(raw.received.filter((m) => m.documentName === name && m.type === 'sync')).toEqual([]);
			const kept = await held(name);
			expect(kept.live).not.toContain(attempted);
			expect(kept.stored).not.toContain(attempted);
			raw.close();
			// Someone who may read the document, connecting now, gets its content and not the forgery.
			const token2 = permitted.get(name);
			if (token2) {
				const witness = await attempt(name, token2);
				await expect.poll(() => hasContent(name, witness.client.doc), { message: `the content of ${name}` }).toBe(true);
				expect(listNotes(witness.client.doc).map((n) => n.id)).not.toContain(attempted);
				witness.client.destroy();
			}
			return;
		}

		// Read allowed: the content arrives, with the right scope.
		expect(reader.log.denied).toEqual([]);
		expect(reader.log.scope).toBe(outcome === 'read-write' ? 'read-write' : 'readonly');
		await expect.poll(() => hasContent(name, reader.client.doc), { message: `the content of ${name}` }).toBe(true);

		const refusedBefore = reader.log.refused;
		const attempted = createNote(reader.client.doc, { createdBy: memberId, at: 2, text: `van ${kind}` });
		if (outcome === 'read-write') {
			await reader.client.saved();
			expect(reader.log.refused).toBe(refusedBefore);
			const kept = await held(name);
			expect(kept.live).toContain(attempted);
			expect(kept.stored).toContain(attempted);
		} else {
			await expect.poll(() => reader.log.refused > refusedBefore, { message: 'the server to refuse the write' }).toBe(true);
			const kept = await held(name);
			expect(kept.live).not.toContain(attempted);
			expect(kept.stored).not.toContain(attempted);
		}
		// A second client, connecting now, gets exactly what the server kept.
		const second = await attempt(name, token);
		await expect.poll(() => hasContent(name, second.client.doc), { message: `the content of ${name} again` }).toBe(true);
		expect(listNotes(second.client.doc).some((n) => n.id === attempted)).toBe(outcome === 'read-write');
		reader.client.destroy();
		second.client.destroy();
	});
});

describe('the table itself', () => {
	it('covers each caller and document, and the allowed cases are exactly the documented ones', () => {
		const allowed = Object.entries(CALLERS).flatMap(([who, c]) =>
			DOCS.filter((d) => c.expect[d] === 'read-write').map((d) => `${who}: ${d}`)
		);
		expect(allowed).toEqual([
			'facilitator: collective',
			'facilitator: own lane',
			'facilitator: own private',
			'participant (lane owner): collective',
			'participant (lane owner): own lane',
			'participant (lane owner): own private',
			'another participant: collective',
			'another participant: own lane',
			'another participant: own private'
		]);
	});
});
