import { vi, type MockInstance } from 'vitest';
import * as Y from 'yjs';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { decodeServerMessage } from '../helpers/protocol.ts';
import { readStored } from '../helpers/db.ts';
import { collectiveDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes } from '#lib/domain/notes.ts';
import { readPractice } from '#lib/domain/practice.ts';
import type { BoardId, MemberId, NoteId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';
import { ServiceError } from '#server/errors.ts';

/**
 * What a facilitator does to members takes effect on open connections at
 * once: a removed member is cut off and stays out, a renamed member is shown
 * under the new name, a member made observer can no longer write, renewed
 * invites replace the old ones, and a practice always keeps a facilitator.
 */
const board = 'context' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let serverErrors: MockInstance<typeof console.error>;
let scope: Scope;

it.beforeEach(async ({ server: s, scope: sc, practice }) => {
	serverErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
	server = s;
	scope = sc;
	fx = await practice({ participants: 2 });
});

it.afterEach(() => {
	const logged = serverErrors.mock.calls.map((args) => args.map(String).join(' '));
	serverErrors.mockRestore();
	for (const line of logged) expect(line).toMatch(/^\[onAuthenticate\] (unauthorized|not-found|forbidden)/);
});

interface Doc {
	readonly provider: HocuspocusProvider;
	readonly doc: Y.Doc;
	/** Every answer to authentication, in order: a scope or a refusal. */
	readonly auth: string[];
	refused: number;
	applied: number;
}

/** A member's browser: one socket that reconnects quickly, documents over it. */
function browser(session: Session) {
	const socket = new HocuspocusProviderWebsocket({ url: server.wsUrl, delay: 50, minDelay: 50, maxDelay: 200 });
	const closes: { at: number; code: number }[] = [];
	socket.on('close', ({ event }: { event: CloseEvent }) => closes.push({ at: Date.now(), code: event.code }));
	const docs: Doc[] = [];
	scope.defer(() => {
		docs.forEach((d) => d.provider.destroy());
		socket.destroy();
	});
	return {
		session,
		socket,
		closes,
		open(name: string): Doc {
			const doc = new Y.Doc();
			const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token: session.token });
			const d: Doc = { provider, doc, auth: [], refused: 0, applied: 0 };
			provider.on('authenticated', ({ scope }: { scope: string }) => d.auth.push(scope));
			provider.on('authenticationFailed', ({ reason }: { reason: string }) => d.auth.push(reason));
			provider.on('message', ({ event }: { event: MessageEvent }) => {
				const m = decodeServerMessage(event.data as ArrayBuffer);
				if (m.type === 'sync-status') {
					if (m.applied) d.applied++;
					else d.refused++;
				}
			});
			provider.attach();
			docs.push(d);
			return d;
		}
	};
}

const ready = (d: Doc) => expect.poll(() => d.provider.isSynced && d.provider.unsyncedChanges === 0, { message: 'synced' }).toBe(true);
const saved = (d: Doc) => expect.poll(() => d.provider.unsyncedChanges === 0, { message: 'saved' }).toBe(true);

async function serverHas(name: string, id: NoteId) {
	await server.zwerm.durable.batcher.idle();
	const live = listNotes(await server.zwerm.readDocument(name)).some((n) => n.id === id);
	const stored = listNotes(readStored(server.dataDir, name).doc).some((n) => n.id === id);
	return { live, stored };
}

/** Opens a document once with a token and returns the server's answer. */
async function answer(session: Session, name: string): Promise<string> {
	const b = browser(session);
	const d = b.open(name);
	await expect.poll(() => d.auth.length > 0, { message: `an answer for ${name}` }).toBe(true);
	return d.auth[0];
}

describe('removing a member', () => {
	it('closes their open socket at once, and they cannot come back', async () => {
		const piet = fx.participants[0];
		const p = fx.practice.id;
		const pietBrowser = browser(piet);
		const collective = pietBrowser.open(collectiveDoc(p, board));
		const lane = pietBrowser.open(laneDoc(p, board, piet.member.id));
		const priv = pietBrowser.open(privateDoc(p, board, piet.member.id));
		await Promise.all([ready(collective), ready(lane), ready(priv)]);
		const shared = createNote(lane.doc, { createdBy: piet.member.id, at: 1, text: 'blijft staan' });
		await saved(lane);

		const fenna = browser(fx.facilitator);
		const witness = fenna.open(collectiveDoc(p, board));
		const fennaPractice = fenna.open(practiceDoc(p));
		await Promise.all([ready(witness), ready(fennaPractice)]);

		await server.zwerm.practices.removeMember(p, piet.member.id);
		// At once: the server closes the socket itself, while Piet sends nothing (how soon in ms depends on the machine).
		await expect.poll(() => pietBrowser.closes.length > 0, { message: "Piet's socket to close" }).toBe(true);
		expect(pietBrowser.closes[0].code).toBe(4403);

		// The socket reconnects by itself; every document is refused now.
		for (const d of [collective, lane, priv]) await expect.poll(() => d.auth.at(-1) === 'unauthorized', { message: 'the refusal after reconnecting' }).toBe(true);
		const attempted = createNote(collective.doc, { createdBy: piet.member.id, at: 2, text: 'nog even dit' });
		const proof = createNote(witness.doc, { createdBy: fx.facilitator.member.id, at: 3, text: 'getuige' });
		await saved(witness);
		expect(await serverHas(collectiveDoc(p, board), proof)).toEqual({ live: true, stored: true });
		expect(await serverHas(collectiveDoc(p, board), attempted)).toEqual({ live: false, stored: false });
		expect(listNotes(witness.doc).map((n) => n.id)).not.toContain(attempted);
		expect(await answer(piet, practiceDoc(p))).toBe('unauthorized');
		expect(await server.zwerm.practices.sessionMember(p, piet.token)).toBeNull();

		// Nobody else was cut off; everyone sees Piet as removed, and his shared note stays readable.
		expect(fenna.closes).toEqual([]);
		await expect.poll(() => readPractice(fennaPractice.doc).members.find((m) => m.id === piet.member.id)?.removed === true, { message: 'Piet marked removed' }).toBe(true);
		const pietsLane = fenna.open(laneDoc(p, board, piet.member.id));
		await ready(pietsLane);
		expect(pietsLane.auth).toEqual(['readonly']);
		expect(listNotes(pietsLane.doc).map((n) => n.id)).toEqual([shared]);
	});
});

describe('renaming a member', () => {
	it('shows the new name in the practice document and, after the reconnect, in presence', async () => {
		const piet = fx.participants[0];
		const p = fx.practice.id;
		const pietBrowser = browser(piet);
		const collective = pietBrowser.open(collectiveDoc(p, board));
		collective.provider.setAwarenessField('user', { name: 'wat ik zelf zeg', color: '#2a4fb5' });
		const fenna = browser(fx.facilitator);
		const fennaCollective = fenna.open(collectiveDoc(p, board));
		const fennaPractice = fenna.open(practiceDoc(p));
		await Promise.all([ready(collective), ready(fennaCollective), ready(fennaPractice)]);
		const seen = () => (fennaCollective.provider.awareness!.getStates().get(collective.doc.clientID)?.user as { name?: string; memberId?: string } | undefined);
		await expect.poll(() => seen()?.name === 'Deelnemer 1', { message: 'the old name in presence' }).toBe(true);

		const renamed = await server.zwerm.practices.changeMember(p, piet.member.id, { name: 'Petra de Vries' });
		expect(renamed).toMatchObject({ name: 'Petra de Vries', role: 'participant' });
		await expect.poll(() => readPractice(fennaPractice.doc).members.find((m) => m.id === piet.member.id)?.name === 'Petra de Vries', { message: 'the new name in the practice document' }).toBe(true);
		await expect.poll(() => pietBrowser.closes.length > 0, { message: 'the reconnect' }).toBe(true);
		await expect.poll(() => collective.auth.length === 2 && collective.provider.isSynced, { message: 'back in' }).toBe(true);
		// The board page touches presence on every pointer move .
		collective.provider.setAwarenessField('pointer', { lane: 'collective', x: 0.5, y: 0.5 });
		await expect.poll(() => seen()?.name === 'Petra de Vries', { message: 'the new name in presence' }).toBe(true);
		expect(seen()).toMatchObject({ name: 'Petra de Vries', memberId: piet.member.id, color: '#2a4fb5' });
		expect(readPractice(await server.zwerm.readDocument(practiceDoc(p))).members.map((m) => m.name)).not.toContain('Deelnemer 1');

		// Still a participant: writing still works.
		await expect.poll(() => collective.auth.at(-1) === 'read-write' && collective.provider.isSynced, { message: 'back in' }).toBe(true);
		const id = createNote(collective.doc, { createdBy: piet.member.id, at: 1, text: 'nog steeds hier' });
		await saved(collective);
		expect(await serverHas(collectiveDoc(p, board), id)).toEqual({ live: true, stored: true });
	});

	// After the forced reconnect the provider re-sends its state with the clock
	// everyone saw before the server dropped that state, which they would ignore.
	// The board page (BoardState) therefore re-announces its state on every sync,
	// moving the clock on; this client does the same.
	it('brings the renamed member back into presence after the reconnect', async () => {
		const piet = fx.participants[0];
		const p = fx.practice.id;
		const pietBrowser = browser(piet);
		const collective = pietBrowser.open(collectiveDoc(p, board));
		const awareness = collective.provider.awareness!;
		collective.provider.on('synced', () => awareness.setLocalState({ ...(awareness.getLocalState() ?? {}) }));
		collective.provider.setAwarenessField('user', { name: 'wat ik zelf zeg', color: '#2a4fb5' });
		const fennaCollective = browser(fx.facilitator).open(collectiveDoc(p, board));
		await Promise.all([ready(collective), ready(fennaCollective)]);
		const seen = () => (fennaCollective.provider.awareness!.getStates().get(collective.doc.clientID)?.user as { name?: string } | undefined);
		await expect.poll(() => seen()?.name === 'Deelnemer 1', { message: 'the old name in presence' }).toBe(true);

		await server.zwerm.practices.changeMember(p, piet.member.id, { name: 'Petra de Vries' });
		await expect.poll(() => collective.auth.length === 2 && collective.provider.isSynced, { message: 'back in' }).toBe(true);
		await expect.poll(() => seen()?.name === 'Petra de Vries', { message: 'the new name in presence' }).toBe(true);
		expect(seen()).toMatchObject({ name: 'Petra de Vries', memberId: piet.member.id });
	});
});

describe('renewing invites', () => {
	it('makes the old invite links fail and the new ones work; members stay in', async () => {
		const p = fx.practice.id;
		const practices = server.zwerm.practices;
		const links = await practices.renewInvites(p);
		const token = (link: string) => link.split('/').pop()!;

		expect(await practices.join(fx.practice.participantInvite, { name: 'Te laat' })).toBeNull();
		expect(await practices.join(fx.practice.observerInvite, { name: 'Ook te laat' })).toBeNull();
		const participant = await practices.join(token(links.participant), { name: 'Nieuw' });
		const observer = await practices.join(token(links.observer), { name: 'Nieuwe kijker' });
		expect(participant?.member).toMatchObject({ practiceId: p, role: 'participant' });
		expect(observer?.member).toMatchObject({ practiceId: p, role: 'observer' });
		expect((await practices.listMembers(p)).map((m) => m.name)).not.toContain('Te laat');

		// Renewing again retires these too.
		await practices.renewInvites(p);
		expect(await practices.join(token(links.participant), { name: 'Weer te laat' })).toBeNull();

		expect(await answer(fx.participants[0], collectiveDoc(p, board))).toBe('read-write');
		expect(await answer(participant!, laneDoc(p, board, participant!.member.id))).toBe('read-write');
	});
});

describe('making a participant an observer', () => {
	it('reopens their connections read-only: their next writes are refused', async () => {
		const piet = fx.participants[0];
		const p = fx.practice.id;
		const pietBrowser = browser(piet);
		const collective = pietBrowser.open(collectiveDoc(p, board));
		const lane = pietBrowser.open(laneDoc(p, board, piet.member.id));
		const priv = pietBrowser.open(privateDoc(p, board, piet.member.id));
		const fenna = browser(fx.facilitator);
		const witness = fenna.open(collectiveDoc(p, board));
		const fennaPractice = fenna.open(practiceDoc(p));
		await Promise.all([ready(collective), ready(lane), ready(priv), ready(witness), ready(fennaPractice)]);
		const before = createNote(collective.doc, { createdBy: piet.member.id, at: 1, text: 'als deelnemer' });
		await saved(collective);
		expect(await serverHas(collectiveDoc(p, board), before)).toEqual({ live: true, stored: true });

		await server.zwerm.practices.changeMember(p, piet.member.id, { role: 'observer' });
		await expect.poll(() => collective.auth.at(-1) === 'readonly' && collective.provider.isSynced, { message: 'the read-only reconnect' }).toBe(true);
		await expect.poll(() => readPractice(fennaPractice.doc).members.find((m) => m.id === piet.member.id)?.role === 'observer', { message: 'the role in the practice document' }).toBe(true);
		// Their lane stays for the group to read, and their private notes for them; both read-only now.
		await expect.poll(() => lane.auth.at(-1) === 'readonly' && priv.auth.at(-1) === 'readonly', { message: 'lane and private read-only' }).toBe(true);

		const refusedBefore = collective.refused;
		const after = createNote(collective.doc, { createdBy: piet.member.id, at: 2, text: 'als waarnemer' });
		await expect.poll(() => collective.refused > refusedBefore, { message: 'the refusal' }).toBe(true);
		const proof = createNote(witness.doc, { createdBy: fx.facilitator.member.id, at: 3, text: 'getuige' });
		await saved(witness);
		expect(listNotes(witness.doc).map((n) => n.id)).toContain(before);
		expect(listNotes(witness.doc).map((n) => n.id)).not.toContain(after);
		expect(await serverHas(collectiveDoc(p, board), after)).toEqual({ live: false, stored: false });
		expect(await serverHas(collectiveDoc(p, board), proof)).toEqual({ live: true, stored: true });
		expect(fenna.closes).toEqual([]);
	});

	// The notes a participant shared before being made observer stay readable
	// for the group, on the board and in the export.
	it("keeps the notes they shared as a participant readable for the group", async () => {
		const piet = fx.participants[0];
		const p = fx.practice.id;
		const name = laneDoc(p, board, piet.member.id);
		const lane = browser(piet).open(name);
		await ready(lane);
		const shared = createNote(lane.doc, { createdBy: piet.member.id, at: 1, text: 'gedeeld als deelnemer' });
		await saved(lane);

		await server.zwerm.practices.changeMember(p, piet.member.id, { role: 'observer' });
		const reader = browser(fx.participants[1]).open(name);
		await expect.poll(() => reader.auth.length > 0, { message: 'an answer' }).toBe(true);
		expect(reader.auth).toEqual(['readonly']);
		await expect.poll(() => listNotes(reader.doc).some((n) => n.id === shared), { message: 'the shared note' }).toBe(true);
	});
});

describe('the last facilitator', () => {
	it('cannot be removed, demoted or leave; with a second facilitator they can', async () => {
		const p = fx.practice.id;
		const fennaId = fx.facilitator.member.id;
		const practices = server.zwerm.practices;
		const fenna = browser(fx.facilitator);
		const practice = fenna.open(practiceDoc(p));
		await ready(practice);

		const refused = async (what: Promise<unknown>) => {
			const error = await what.then(() => null, (e: unknown) => e);
			expect(error).toBeInstanceOf(ServiceError);
			expect((error as ServiceError).code).toBe('last-facilitator');
		};
		await refused(practices.removeMember(p, fennaId));
		await refused(practices.changeMember(p, fennaId, { role: 'participant' }));
		await refused(practices.changeMember(p, fennaId, { role: 'observer' }));
		await refused(practices.leave(p, fennaId, { shared: 'anonymize' }));

		// Nothing changed: still facilitator, still connected, still let in.
		expect(await practices.member(fennaId)).toMatchObject({ role: 'facilitator', removedAt: null });
		expect(readPractice(practice.doc).members.find((m) => m.id === fennaId)).toMatchObject({ role: 'facilitator', removed: false });
		expect(fenna.closes).toEqual([]);
		expect(await answer(fx.facilitator, collectiveDoc(p, board))).toBe('read-write');
		// A rename is fine.
		await practices.changeMember(p, fennaId, { name: 'Fenna B.' });

		// With a second facilitator, the first may step down.
		const piet = fx.participants[0].member.id as MemberId;
		await practices.changeMember(p, piet, { role: 'facilitator' });
		await expect(practices.changeMember(p, fennaId, { role: 'participant' })).resolves.toMatchObject({ role: 'participant' });
		await refused(practices.removeMember(p, piet));
	});
});
