import { vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '../helpers/fixture.ts';
import { setUpPractice } from '../helpers/practice.ts';
import { onDisk, postgresAvailable, type TestDatabase } from '../helpers/postgres.ts';
import { PostgresStorage } from '#server/storage/postgres.ts';
import { anonymousDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { setAnonymous } from '#lib/domain/visibility.ts';
import { createNote, listNotes } from '#lib/domain/notes.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import type { BoardId } from '#lib/domain/ids.ts';

/**
 * erasure.test.ts over PostgreSQL, in short: a member who leaves takes their
 * notes and name out of the database's files (tables, indexes, TOAST,
 * statistics), not only out of what queries return.
 */
const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * Whether the files of the server's link table (anonymous note → private source), its indexes and
 * TOAST hold these bytes. (The erased private document's empty checkpoint still names its deleted
 * notes' ids, as Yjs keeps map keys; without the link nothing ties them to an anonymous note.)
 */
async function inLinkTable(db: TestDatabase, needle: Uint8Array): Promise<boolean> {
	await db.query('CHECKPOINT');
	const [row] = await db.query<{ n: string }>(
		`SELECT COUNT(*) AS n FROM (
			SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c
			WHERE c.oid = 'anonymous_notes'::regclass
			   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'anonymous_notes'::regclass)
			   OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'anonymous_notes'::regclass)
		 ) files
		 WHERE path IS NOT NULL AND position($1::bytea IN pg_read_binary_file(path, 0, (pg_stat_file(path, true)).size, true)) > 0`,
		[needle]
	);
	return Number(row.n) > 0;
}

it.afterEach(() => {
	vi.restoreAllMocks();
});

describe.skipIf(!postgresAvailable)('leaving, with PostgreSQL', () => {
	it("with { shared: 'erase' } leaves nothing of their notes or name in the database files", async ({ scope, startServer, connect }) => {
		// The leaver's own socket, reconnecting after being closed, is refused and logged.
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const db = await scope.database();
		const url = db.url;
		let server = await startServer({ storage: () => PostgresStorage.open(url) });
		const fx = await setUpPractice(server.zwerm.practices, { participants: 2 });
		const p = fx.practice.id;
		const leaver = fx.participants[0];
		const board = boardsOf(fx.practice.framework)[0].id as BoardId;
		const secret = `GEHEIM-${randomBytes(8).toString('hex')}`;
		const shared = `GEDEELD-${randomBytes(8).toString('hex')}`;
		const name = `Lieke ${randomBytes(4).toString('hex')}`;
		await server.zwerm.practices.changeMember(p, leaver.member.id, { name });

		const priv = connect(server.wsUrl, privateDoc(p, board, leaver.member.id), leaver.token);
		const lane = connect(server.wsUrl, laneDoc(p, board, leaver.member.id), leaver.token);
		await Promise.all([priv.saved(), lane.saved()]);
		createNote(priv.doc, { createdBy: leaver.member.id, at: Date.now(), text: secret });
		createNote(lane.doc, { createdBy: leaver.member.id, at: Date.now(), text: shared });
		// And an anonymous note: it stays, but nothing on disk may tie it to the leaver afterwards.
		server.zwerm.mirror.mirrorDelayMs = 20;
		const anonymousText = `ANONIEM-${randomBytes(8).toString('hex')}`;
		const source = createNote(priv.doc, { createdBy: leaver.member.id, at: Date.now(), text: anonymousText });
		setAnonymous(priv.doc, source, true);
		await Promise.all([priv.saved(), lane.saved()]);
		await expect.poll(async () => (await server.zwerm.storage.records.anonymousLinks.of(privateDoc(p, board, leaver.member.id))).length).toBe(1);
		await server.zwerm.durable.batcher.idle();

		// Before: the search below can find them.
		const found = await onDisk(db, bytes(secret));
		if (found === null) return expect.fail('the test role cannot read the database files (not a superuser)');
		expect(found).toBe(true);
		expect(await onDisk(db, bytes(shared))).toBe(true);
		expect(await onDisk(db, bytes(name))).toBe(true);
		expect(await inLinkTable(db, bytes(source))).toBe(true);

		await server.zwerm.practices.leave(p, leaver.member.id, { shared: 'erase' });

		// The anonymous note is still the group's; the link from it to its private source is gone from the files
		// (the link table is rewritten, as the log is).
		expect(listNotes(await server.zwerm.readDocument(anonymousDoc(p, board))).length).toBe(1);
		expect(await onDisk(db, bytes(anonymousText))).toBe(true);
		expect(await inLinkTable(db, bytes(source))).toBe(false);

		expect(await onDisk(db, bytes(secret))).toBe(false);
		expect(await onDisk(db, bytes(shared))).toBe(false);
		expect(await onDisk(db, bytes(name))).toBe(false);
		expect(await onDisk(db, bytes(fx.practice.name))).toBe(true);
		expect(listNotes(await server.zwerm.readDocument(privateDoc(p, board, leaver.member.id)))).toEqual([]);
		expect(await server.zwerm.practices.sessionMember(p, leaver.token)).toBeNull();

		// And after shutdown (documents unloaded, checkpoints written), from a new server on the same database.
		for (const c of [priv, lane]) c.destroy();
		await server.stop();
		expect(await onDisk(db, bytes(secret))).toBe(false);
		expect(await onDisk(db, bytes(name))).toBe(false);
		server = await startServer({ storage: () => PostgresStorage.open(url) });
		expect(listNotes(await server.zwerm.readDocument(privateDoc(p, board, leaver.member.id)))).toEqual([]);
		expect(listNotes(await server.zwerm.readDocument(laneDoc(p, board, leaver.member.id)))).toEqual([]);
		const members = await server.zwerm.storage.records.members.list(p);
		expect(members.map((m) => m.id)).not.toContain(leaver.member.id);
		expect((await server.zwerm.storage.records.members.get(leaver.member.id))?.name).toBe('');
		const practiceMembers = (await server.zwerm.readDocument(practiceDoc(p))).getMap('members');
		expect(practiceMembers.has(leaver.member.id)).toBe(false);
	});
});
