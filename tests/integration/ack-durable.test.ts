import { describe, expect, it } from '../helpers/fixture.ts';
import { DatabaseSync } from 'node:sqlite';
import * as Y from 'yjs';
import type { Scope } from '../helpers/scope.ts';
import { watch } from '../helpers/watch.ts';
import { setUpPractice } from '../helpers/practice.ts';
import { laneView } from '../helpers/lane.ts';
import { dbFile, readStored } from '../helpers/db.ts';
import { createRandom } from '../helpers/random.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { createNote, deleteNote, listNotes, moveNote, noteContent, setPlainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * "Saved" in the UI means the server acknowledged the change. That promise
 * only holds if the change is on disk at that moment: read the database file
 * ourselves, right after each acknowledgement, and find the edit there.
 */
const board = 'context' as BoardId;

let scope: Scope;
it.beforeEach(({ scope: sc }) => {
	scope = sc;
});

/** Polls `check` for `ms`: true if it held the whole time. For asserting that something does NOT happen. */
async function holdsFor(check: () => boolean, ms: number): Promise<boolean> {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		if (!check()) return false;
		await new Promise((r) => setTimeout(r, 5));
	}
	return check();
}

describe('an acknowledged change is already durable', () => {
	it('for every one of many consecutive edits', async () => {
		// Small checkpoints, so the state on disk spans checkpoints and log entries.
		const server = await scope.startServer({ checkpointEvery: 7 });
		const { practice, facilitator } = await setUpPractice(server.zwerm.practices);
		const name = laneDoc(practice.id, board, facilitator.member.id);
		const client = scope.connect(server.wsUrl, name, facilitator.token, new Y.Doc());
		await client.saved();

		const random = createRandom(7);
		const ids: NoteId[] = [];
		for (let i = 0; i < 40; i++) {
			const roll = random.next();
			if (ids.length === 0 || roll < 0.35) {
				ids.push(createNote(client.doc, { createdBy: facilitator.member.id, at: i, text: `edit ${i}`, x: random.next(), y: random.next() }));
			} else if (roll < 0.75) {
				const fragment = noteContent(client.doc, random.pick(ids));
				const paragraph = fragment.get(0) as Y.XmlElement;
				const text = paragraph.get(0) as Y.XmlText;
				text.insert(text.length, ` +${i}`);
			} else if (roll < 0.9) {
				moveNote(client.doc, random.pick(ids), random.next(), random.next());
			} else if (ids.length > 1) {
				const gone = ids.splice(random.int(0, ids.length - 1), 1)[0];
				deleteNote(client.doc, gone);
			}

			await client.saved();
			const onDisk = readStored(server.dataDir, name);
			expect(laneView(onDisk.doc), `edit ${i} on disk when acknowledged`).toEqual(laneView(client.doc));
		}

		const final = readStored(server.dataDir, name);
		expect(final.checkpoints).toBeGreaterThan(0);
		expect(final.updatesAfterCheckpoint).toBeLessThan(final.log.length);
		expect(listNotes(final.doc).length).toBe(ids.length);
	});

	it('for a burst of edits acknowledged together, from two writers on one document', async () => {
		const server = await scope.startServer();
		const { practice, facilitator, participants } = await setUpPractice(server.zwerm.practices);
		const name = collectiveDoc(practice.id, board);
		const a = scope.connect(server.wsUrl, name, facilitator.token, new Y.Doc());
		const b = scope.connect(server.wsUrl, name, participants[0].token, new Y.Doc());
		await Promise.all([a.saved(), b.saved()]);

		for (let round = 0; round < 5; round++) {
			const mine: NoteId[] = [];
			for (let i = 0; i < 8; i++) {
				mine.push(createNote(a.doc, { createdBy: facilitator.member.id, at: i, text: `a${round}.${i}` }));
				const theirs = createNote(b.doc, { createdBy: participants[0].member.id, at: i, text: `b${round}.${i}` });
				setPlainText(noteContent(b.doc, theirs), `b${round}.${i} herschreven`);
			}
			await a.saved();
			const afterA = readStored(server.dataDir, name).doc;
			for (const id of mine) expect(laneView(afterA).find((n) => n.id === id)?.text).toMatch(/^a\d\.\d$/);

			await b.saved();
			const afterB = readStored(server.dataDir, name).doc;
			const texts = laneView(afterB).map((n) => n.text);
			for (let i = 0; i < 8; i++) expect(texts).toContain(`b${round}.${i} herschreven`);
		}
	});

	it('while the disk is slow: no "saved" until the write has landed', async () => {
		// The server runs in its own process so that it can be stuck on its disk while we watch.
		const dataDir = scope.tempDir('zwerm-slow-disk-');
		const child = await scope.spawnServer(dataDir, { setup: { participants: 1 } });
		const { practiceId, facilitator } = child.setup!;
		const name = laneDoc(practiceId as PracticeId, board, facilitator.memberId as MemberId);
		const client = scope.connect(child.wsUrl, name, facilitator.token, new Y.Doc());
		await client.saved();

		for (let i = 0; i < 3; i++) {
			// Another process holds SQLite's write lock: the server's next commit has to wait for it.
			const lock = new DatabaseSync(dbFile(dataDir), { timeout: 5000 });
			scope.defer(() => {
				 if (lock.isOpen) lock.close();
			});
			lock.exec('BEGIN IMMEDIATE');
			const id = createNote(client.doc, { createdBy: facilitator.memberId as MemberId, at: i, text: `traag ${i}` });

			const notSavedWhileLocked = await holdsFor(() => client.provider.unsyncedChanges > 0, 300);
			const onDiskWhileLocked = laneView(readStored(dataDir, name).doc).some((n) => n.id === id);
			lock.exec('ROLLBACK');
			lock.close();

			expect(onDiskWhileLocked, 'the write cannot land while the lock is held').toBe(false);
			expect(notSavedWhileLocked, `edit ${i}: acknowledged before it was on disk`).toBe(true);
			await client.saved();
			expect(laneView(readStored(dataDir, name).doc).find((n) => n.id === id)?.text).toBe(`traag ${i}`);
		}
	});

	/*
	 * When a write fails, the server closes the client's socket and keeps the
	 * update in memory to retry. The client reconnects and re-sends nothing (the
	 * server already has the change in memory); its sync must not be
	 * acknowledged until the retried write is on disk. Slow by nature: SQLite
	 * waits 5 s for a lock before it reports the failure.
	 */
	it('after a failed write, a reconnecting client is not told "saved" before the change is on disk', { timeout: 40000 }, async () => {
		const dataDir = scope.tempDir('zwerm-failed-write-');
		const child = await scope.spawnServer(dataDir, { setup: { participants: 1 } });
		const { practiceId, facilitator } = child.setup!;
		const name = laneDoc(practiceId as PracticeId, board, facilitator.memberId as MemberId);
		const client = scope.connect(child.wsUrl, name, facilitator.token, new Y.Doc());
		const log = watch(client);
		await client.saved();

		const lock = new DatabaseSync(dbFile(dataDir), { timeout: 5000 });
		scope.defer(() => {
			 if (lock.isOpen) lock.close();
		});
		lock.exec('BEGIN IMMEDIATE');
		const id = createNote(client.doc, { createdBy: facilitator.memberId as MemberId, at: 1, text: 'mislukt' });
		await expect.poll(() => log.closed.includes('storage-failed'), { message: 'the failed write to close the socket', timeout: 15000 }).toBe(true);

		const saved = () => client.provider.isSynced && client.provider.unsyncedChanges === 0;
		// Long enough for the provider to reconnect and sync while the disk still refuses writes.
		const notSavedWhileFailing = await holdsFor(() => !saved(), 15000);
		const onDisk = laneView(readStored(dataDir, name).doc).some((n) => n.id === id);
		lock.exec('ROLLBACK');
		lock.close();

		expect(onDisk).toBe(false);
		expect(notSavedWhileFailing, 'told "saved" while the change was only in the server\'s memory').toBe(true);
	});
});
