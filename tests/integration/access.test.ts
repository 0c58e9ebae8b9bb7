import { vi, type MockInstance } from 'vitest';
import { describe, expect, it, type Attempt, type Watched } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { TestClient } from '../helpers/clients.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import type { ProviderLog } from '../helpers/watch.ts';
import { readStored } from '../helpers/db.ts';
import { collectiveDoc, laneDoc, practiceDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes } from '#lib/domain/notes.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { randomId, type BoardId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import { newToken } from '#server/tokens.ts';

/**
 * Who may open what, through real websockets (docs/ARCHITECTURE.md, "Who
 * may open what"). Each refusal is checked the way a user would notice it:
 * the client is refused, or its writes never reach anyone else and are not
 * in what the server keeps.
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let open: Watched;
let attempt: Attempt;
let refusals: MockInstance<typeof console.error>;

it.beforeEach(async ({ server: s, watched, attempt: a, practice }) => {
	// Hocuspocus logs every refused authentication on console.error; collect instead of printing.
	refusals = vi.spyOn(console, 'error').mockImplementation(() => {});
	server = s;
	open = watched;
	attempt = a;
	fx = await practice({ participants: 2 });
});

it.afterEach(() => {
	const logged = refusals.mock.calls.map((args) => args.map(String).join(' '));
	refusals.mockRestore();
	// The server complained about the refusals and about nothing else.
	for (const line of logged) expect(line).toMatch(/^\[onAuthenticate\] (unauthorized|not-found)/);
});


/** The server's own copy of a document: live if loaded, and what is on disk. */
async function serverNotes(name: string) {
	await server.zwerm.durable.batcher.idle();
	return {
		live: listNotes(await server.zwerm.readDocument(name)).map((n) => n.id),
		stored: listNotes(readStored(server.dataDir, name).doc).map((n) => n.id)
	};
}

/** A note written by the owner, so there is something to read. */
async function seed(name: string, token: string, memberId: MemberId, text: string) {
	const writer = open(name, token);
	await writer.client.saved();
	const id = createNote(writer.client.doc, { createdBy: memberId, at: 1, text });
	await writer.client.saved();
	return { ...writer, id };
}

/**
 * `reader` writes; the server must refuse it. Then `witness` writes something
 * itself and waits for the acknowledgement: anything the server had passed on
 * from `reader` would have arrived before it, on the same socket.
 */
async function expectRefusedWrite(reader: { client: TestClient; log: ProviderLog }, witness: TestClient, memberId: MemberId, name: string) {
	const refusedBefore = reader.log.refused;
	const appliedBefore = reader.log.applied;
	const attempted = createNote(reader.client.doc, { createdBy: memberId, at: 2, text: 'mag dit?' });
	await expect.poll(() => reader.log.refused > refusedBefore, { message: 'the server to refuse the write' }).toBe(true);
	// The witness is the facilitator in every test here; a note is always written in its writer's name.
	createNote(witness.doc, { createdBy: fx.facilitator.member.id, at: 3, text: 'getuige' });
	await witness.saved();

	expect(listNotes(witness.doc).map((n) => n.id)).not.toContain(attempted);
	const kept = await serverNotes(name);
	expect(kept.live).not.toContain(attempted);
	expect(kept.stored).not.toContain(attempted);
	expect(reader.log.applied).toBe(appliedBefore);
}

describe('authentication', () => {
	it('refuses a guessed token and sends nothing of the document', async () => {
		const name = collectiveDoc(fx.practice.id, board);
		await seed(name, fx.facilitator.token, fx.facilitator.member.id, 'geheim');

		for (const token of [newToken(), 'not-a-token', '', fx.practice.participantInvite]) {
			const { client, log } = await attempt(name, token);
			expect(log.denied, `token ${JSON.stringify(token.slice(0, 8))}`).toEqual(['unauthorized']);
			expect(log.scope).toBeNull();
			expect(listNotes(client.doc)).toEqual([]);
		}
	});

	it("refuses a member of practice A on practice B's documents", async () => {
		const other = await setUpPractice(server.zwerm.practices, { name: 'Andere praktijk' });
		const theirCollective = collectiveDoc(other.practice.id, board);
		await seed(theirCollective, other.facilitator.token, other.facilitator.member.id, 'van B');

		for (const name of [theirCollective, practiceDoc(other.practice.id), laneDoc(other.practice.id, board, other.facilitator.member.id)]) {
			const { client, log } = await attempt(name, fx.facilitator.token);
			expect(log.denied, name).toEqual(['unauthorized']);
			expect(listNotes(client.doc)).toEqual([]);
		}
	});

	it('refuses guessed document names', async () => {
		const other = await setUpPractice(server.zwerm.practices, { name: 'Andere praktijk' });
		const p = fx.practice.id;
		const guesses = [
			collectiveDoc(p, 'onbekend-bord' as BoardId),
			laneDoc(p, board, randomId(16) as MemberId),
			laneDoc(p, board, fx.observer.member.id),
			laneDoc(p, board, other.facilitator.member.id),
			`practice/${p}/board/${board}`,
			`practice/${p}/board/${board}/lane/../collective`,
			`practice/${p}/../${other.practice.id}`,
			'practice'
		];
		for (const name of guesses) {
			const { log } = await attempt(name, fx.facilitator.token);
			expect(log.denied, name).toEqual(['not-found']);
		}
		// A practice that does not exist: the token cannot belong to it.
		const { log } = await attempt(collectiveDoc(randomId(16) as PracticeId, board), fx.facilitator.token);
		expect(log.denied).toEqual(['unauthorized']);
	});
});

describe('reading and writing', () => {
	it('an observer reads the collective lane, but their writes are not applied', async () => {
		const name = collectiveDoc(fx.practice.id, board);
		const facilitator = await seed(name, fx.facilitator.token, fx.facilitator.member.id, 'voor iedereen');
		const observer = await attempt(name, fx.observer.token);

		expect(observer.log.scope).toBe('readonly');
		await expect.poll(() => listNotes(observer.client.doc).length === 1, { message: 'the observer to see the note' }).toBe(true);
		await expectRefusedWrite(observer, facilitator.client, fx.observer.member.id, name);
	});

	it("a participant reads another member's lane but cannot write in it", async () => {
		const name = laneDoc(fx.practice.id, board, fx.facilitator.member.id);
		const owner = await seed(name, fx.facilitator.token, fx.facilitator.member.id, 'van Fenna');
		const piet = fx.participants[0];
		const visitor = await attempt(name, piet.token);

		expect(visitor.log.scope).toBe('readonly');
		await expect.poll(() => listNotes(visitor.client.doc).some((n) => n.id === owner.id), { message: "Fenna's note on Piet's screen" }).toBe(true);
		await expectRefusedWrite(visitor, owner.client, piet.member.id, name);
	});

	it('a participant writes in their own lane, and others see it', async () => {
		const piet = fx.participants[0];
		const name = laneDoc(fx.practice.id, board, piet.member.id);
		const own = await attempt(name, piet.token);
		const reader = await attempt(name, fx.participants[1].token);
		expect(own.log.scope).toBe('read-write');

		const id = createNote(own.client.doc, { createdBy: piet.member.id, at: 1, text: 'van Piet' });
		await own.client.saved();
		expect(own.log.refused).toBe(0);
		await expect.poll(() => listNotes(reader.client.doc).some((n) => n.id === id), { message: 'the other participant to see it' }).toBe(true);
		expect((await serverNotes(name)).stored).toContain(id);
	});

	it('the practice document is read-only, for the facilitator too', async () => {
		const name = practiceDoc(fx.practice.id);
		const facilitator = await attempt(name, fx.facilitator.token);
		const piet = await attempt(name, fx.participants[0].token);
		expect([facilitator.log.scope, piet.log.scope]).toEqual(['readonly', 'readonly']);
		expect(readPractice(piet.client.doc).name).toBe('Wijkteam Noord');

		facilitator.client.doc.transact(() => {
			facilitator.client.doc.getMap('info').set('name', 'Gekaapt');
			facilitator.client.doc.getMap('members').set(randomId(16), { name: 'Indringer', role: 'facilitator', joinedAt: 1 });
		});
		await expect.poll(() => facilitator.log.refused > 0, { message: 'the server to refuse the change' }).toBe(true);

		// The server itself can still write it: a new member joins, and everyone sees that, but not the forgery.
		await server.zwerm.practices.join(fx.practice.participantInvite, { name: 'Nieuwkomer' });
		await expect.poll(() => readPractice(piet.client.doc).members.some((m) => m.name === 'Nieuwkomer'), { message: 'the join to arrive' }).toBe(true);
		const seen = readPractice(piet.client.doc);
		expect(seen.name).toBe('Wijkteam Noord');
		expect(seen.members.map((m) => m.name)).not.toContain('Indringer');
		const live = readPractice(await server.zwerm.readDocument(name));
		expect(live.name).toBe('Wijkteam Noord');
		expect(live.members.map((m) => m.name)).not.toContain('Indringer');
	});
});

describe('presence', () => {
	it('shows the name the server knows, whatever the client claims', async () => {
		const name = collectiveDoc(fx.practice.id, board);
		const fenna = await attempt(name, fx.facilitator.token);
		const piet = await attempt(name, fx.participants[0].token);
		const pietId = piet.client.doc.clientID;

		piet.client.provider.setAwarenessField('user', { name: 'Impostor', memberId: fx.facilitator.member.id, color: '#ff0000' });
		const seen = () => fenna.client.provider.awareness!.getStates().get(pietId)?.user as Record<string, unknown> | undefined;
		await expect.poll(() => seen() !== undefined, { message: "Piet's presence on Fenna's screen" }).toBe(true);
		expect(seen()).toEqual({ memberId: fx.participants[0].member.id, name: 'Deelnemer 1', color: '#ff0000' });

		// A colour that is not #rrggbb does not get through either.
		piet.client.provider.setAwarenessField('user', { name: 'Impostor', color: 'red; background: url(x)' });
		await expect.poll(() => seen()?.color === '#5b5bd6', { message: 'the colour to be replaced' }).toBe(true);
		expect(seen()).toEqual({ memberId: fx.participants[0].member.id, name: 'Deelnemer 1', color: '#5b5bd6' });
	});
});
