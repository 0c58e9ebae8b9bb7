import { vi } from 'vitest';
import { describe, expect, it } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import type { RawClient } from '../helpers/raw-client.ts';
import { updateFrame } from '../helpers/protocol.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import { readStored } from '../helpers/db.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { createNote, deleteNote, listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId } from '#lib/domain/ids.ts';
import type { QuotaLimits } from '#server/extensions/quota.ts';

/**
 * Issue 9, item 11: one member must not fill the database everyone downloads.
 * A note too large, a document too full and a member writing too fast are each
 * refused before anything is applied, with a reason the board shows; nothing
 * of it is stored or reaches others, and everyone else keeps being saved.
 */
const board = 'intentie' as BoardId;
let server: TestServer;
let fx: PracticeFixture;
let scope: Scope;

it.beforeEach(({ scope: sc }) => {
	scope = sc;
});

async function start(quota: Partial<QuotaLimits> = {}) {
	vi.spyOn(console, 'error').mockImplementation(() => {}); // Hocuspocus reports each refused message
	server = await scope.startServer({ quota });
	fx = await setUpPractice(server.zwerm.practices, { participants: 2 });
}

it.afterEach(() => {
	vi.restoreAllMocks();
});

/** A member writing notes by hand over one connection: each note is sent, and the server's first answer returned. */
async function writer(name: string, session: { token: string; member: { id: MemberId } }) {
	const token = session.token;
	const raw: RawClient = await scope.raw(server.wsUrl);
	await raw.open(name, token);
	const doc = new Y.Doc();
	return {
		doc,
		raw,
		async note(text: string): Promise<'saved' | string> {
			let update: Uint8Array | null = null;
			const grab = (u: Uint8Array) => (update = u);
			doc.once('update', grab);
			createNote(doc, { createdBy: session.member.id, at: 1, text });
			const from = raw.received.length;
			raw.send(updateFrame(name, update!));
			const answer = await raw.next(['close', 'sync-status'], from, 15000);
			return answer.type === 'close' ? answer.reason : 'saved';
		}
	};
}

/** Another member still works: a note of theirs is acknowledged and seen by a third. */
async function othersStillSaved(text: string): Promise<void> {
	const p = fx.practice.id;
	const bert = scope.connect(server.wsUrl, collectiveDoc(p, board), fx.participants[1].token);
	const fenna = scope.connect(server.wsUrl, collectiveDoc(p, board), fx.facilitator.token);
	await bert.saved();
	const id = createNote(bert.doc, { createdBy: fx.participants[1].member.id, at: 1, text });
	await bert.saved();
	await expect.poll(() => listNotes(fenna.doc).some((n) => n.id === id), { message: 'the other member to see the note' }).toBe(true);
}

describe('quotas', () => {
	it('refuses a 7 MiB note with note-too-large: nothing stored, nothing sent on, others unaffected', async () => {
		await start();
		const name = laneDoc(fx.practice.id, board, fx.participants[0].member.id);
		const watcher = scope.connect(server.wsUrl, name, fx.facilitator.token);
		await watcher.saved();
		const anna = await writer(name, fx.participants[0]);
		expect(await anna.note('Gewone notitie')).toBe('saved');

		expect(await anna.note('x'.repeat(7 * 1024 * 1024))).toBe('note-too-large');
		await othersStillSaved('na de grote notitie');

		await server.zwerm.durable.batcher.idle();
		const stored = readStored(server.dataDir, name);
		expect(stored.log.reduce((n, u) => n + u.byteLength, 0)).toBeLessThan(4096);
		expect(listNotes(stored.doc).map((n) => plainText(noteContent(stored.doc, n.id)))).toEqual(['Gewone notitie']);
		expect(listNotes(watcher.doc)).toHaveLength(1);

		// Just under the limit is a note like any other; a note grown past it by a later edit is refused too.
		const fresh = await writer(name, fx.participants[0]);
		expect(await fresh.note('y'.repeat(60 * 1024))).toBe('saved');
		const grow = await writer(name, fx.participants[0]);
		const big = await grow.note('z'.repeat(40 * 1024));
		expect(big).toBe('saved');
		const note = listNotes(grow.doc)[0].id as NoteId;
		let update: Uint8Array | null = null;
		grow.doc.once('update', (u: Uint8Array) => (update = u));
		((noteContent(grow.doc, note).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'w'.repeat(30 * 1024));
		const from = grow.raw.received.length;
		grow.raw.send(updateFrame(name, update!));
		expect(await grow.raw.next(['close', 'sync-status'], from)).toMatchObject({ type: 'close', reason: 'note-too-large' });
	});

	it('refuses a member over their write rate while another member keeps being saved', async () => {
		await start({ memberBurstBytes: 256 * 1024, memberBytesPerMinute: 64 * 1024 });
		const name = laneDoc(fx.practice.id, board, fx.participants[0].member.id);
		const anna = await writer(name, fx.participants[0]);
		const answers: string[] = [];
		for (let i = 0; i < 6 && !answers.includes('write-quota'); i++) answers.push(await anna.note(`${i}`.padEnd(60 * 1024, '.')));
		expect(answers.slice(0, 4)).toEqual(['saved', 'saved', 'saved', 'saved']);
		expect(answers.at(-1)).toBe('write-quota');
		await othersStillSaved('ik mag nog wel');
		// Her own next attempt, at once, is refused too: the bucket refills with time, not with reconnecting.
		const again = await writer(name, fx.participants[0]);
		expect(await again.note('z'.repeat(60 * 1024))).toBe('write-quota');
	});

	it('refuses a document past its size, and deleting frees room once the log is folded into a checkpoint', async () => {
		await start({ documentBytes: 200 * 1024 });
		const name = laneDoc(fx.practice.id, board, fx.participants[0].member.id);
		const anna = await writer(name, fx.participants[0]);
		const answers: string[] = [];
		for (let i = 0; i < 5 && !answers.includes('document-full'); i++) answers.push(await anna.note(`${i}`.padEnd(60 * 1024, '.')));
		expect(answers).toEqual(['saved', 'saved', 'saved', 'document-full']);
		await othersStillSaved('het bord doet het nog');

		// She deletes two notes; Hocuspocus folds the log once the document is quiet (here: at once).
		const lane = scope.connect(server.wsUrl, name, fx.participants[0].token);
		await lane.saved();
		for (const n of listNotes(lane.doc).slice(0, 2)) deleteNote(lane.doc, n.id as NoteId);
		await lane.saved();
		await server.zwerm.durable.checkpoint(name);
		await expect
			.poll(async () => (await writer(name, fx.participants[0])).note('weer ruimte'.padEnd(60 * 1024, '.')), { timeout: 10000, interval: 500 })
			.toBe('saved');
	});
});
