import { vi, type MockInstance, afterEach } from 'vitest';
import { describe, expect, it, type Open } from '../helpers/fixture.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import * as Y from 'yjs';
import type { TestServer } from '../helpers/server.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { dbFile, readStored } from '../helpers/db.ts';
import { laneView } from '../helpers/lane.ts';
import { watch } from '../helpers/watch.ts';
import { anonymousDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, moveNote, noteContent } from '#lib/domain/notes.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import { dayOf, setAnonymous } from '#lib/domain/visibility.ts';
import type { BoardId } from '#lib/domain/ids.ts';

/**
 * A member leaves and takes their data: their private notes are gone from
 * every document and from the stored history, down to the bytes of the
 * database files; their shared notes are erased too, or kept without their
 * name in the anonymous lane. Their session stops working.
 */
let server: TestServer;
let fx: PracticeFixture;
let boards: BoardId[];
let secret: string;
let sharedMarker: string;
let anonMarker: string;
let open: Open;
let refusals: MockInstance<typeof console.error>;

it.beforeEach(async ({ server: s, open: o, practice }) => {
	refusals = vi.spyOn(console, 'error').mockImplementation(() => {});
	server = s;
	open = o;
	server.zwerm.mirror.mirrorDelayMs = 20;
	fx = await practice({ participants: 2 });
	boards = boardsOf(fx.practice.framework).slice(0, 2).map((b) => b.id as BoardId);
	secret = `GEHEIM-${randomBytes(8).toString('hex')}`;
	sharedMarker = `GEDEELD-${randomBytes(8).toString('hex')}`;
	anonMarker = `ANONIEM-${randomBytes(8).toString('hex')}`;
});

afterEach(async () => {
	const logged = refusals.mock.calls.map((args) => args.map(String).join(' '));
	refusals.mockRestore();
	// The leaver's own socket, reconnecting after being closed, is refused; nothing else went wrong.
	for (const line of logged) expect(line).toMatch(/^\[onAuthenticate\] unauthorized/);
});

/** Every file of the data directory (database, -wal, -shm, anything else) that holds these bytes. */
function filesContaining(text: string): string[] {
	const needle = Buffer.from(text);
	return readdirSync(server.dataDir)
		.map((f) => join(server.dataDir, f))
		.filter((f) => statSync(f).isFile() && readFileSync(f).includes(needle))
		.map((f) => f.slice(server.dataDir.length + 1));
}

/**
 * L's work: a private and a shared note on two boards, written, edited and
 * moved, some of it checkpointed; and one anonymous note on the second board.
 */
async function leaverWrites() {
	const leaver = fx.participants[0];
	const p = fx.practice.id;
	const lanes: TestClient[] = [];
	for (const [i, board] of boards.entries()) {
		const priv = open(privateDoc(p, board, leaver.member.id), leaver.token);
		const lane = open(laneDoc(p, board, leaver.member.id), leaver.token);
		await Promise.all([priv.saved(), lane.saved()]);
		const id = createNote(priv.doc, { createdBy: leaver.member.id, at: Date.now(), text: `${secret} op ${board}` });
		const text = (noteContent(priv.doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, ', en nog meer');
		moveNote(priv.doc, id, 0.1, 0.9);
		createNote(lane.doc, { createdBy: leaver.member.id, at: Date.now(), text: `${sharedMarker} op ${board}`, x: 0.3, y: 0.4 });
		await Promise.all([priv.saved(), lane.saved()]);
		lanes.push(lane);
		if (i === 1) {
			const anon = createNote(priv.doc, { createdBy: leaver.member.id, at: Date.now(), text: anonMarker });
			setAnonymous(priv.doc, anon, true);
			await priv.saved();
		}
		// On the first board the private document is closed, so it is unloaded and folded into a checkpoint.
		if (i === 0) priv.destroy();
	}
	await expect.poll(() => !server.zwerm.hocuspocus.documents.has(privateDoc(p, boards[0], leaver.member.id)), { message: 'the private document to unload' }).toBe(true);
	const anonName = anonymousDoc(p, boards[1]);
	await expect
		.poll(async () => laneView(await server.zwerm.readDocument(anonName)).some((n) => n.text === anonMarker), { message: 'the anonymous note mirrored' })
		.toBe(true);
	await server.zwerm.durable.batcher.idle();
	return { leaver, lanes };
}

/** Another participant looking at L's lanes. */
async function onlooker() {
	const other = fx.participants[1];
	const lanes = boards.map((b) => open(laneDoc(fx.practice.id, b, fx.participants[0].member.id), other.token));
	const anon = boards.map((b) => open(anonymousDoc(fx.practice.id, b), other.token));
	await Promise.all([...lanes, ...anon].map((c) => c.saved()));
	await expect.poll(() => lanes.every((l) => listNotes(l.doc).length === 1), { message: "L's shared notes on the onlooker's screen" }).toBe(true);
	await expect.poll(() => listNotes(anon[1].doc).length === 1, { message: "L's anonymous note on the onlooker's screen" }).toBe(true);
	return { lanes, anon };
}

async function sessionRefused(token: string, name: string) {
	const c = open(name, token);
	const log = watch(c);
	await expect.poll(() => log.denied.length > 0 || log.scope !== null, { message: 'an answer' }).toBe(true);
	return log.denied;
}

/** Rows of the server's link table (anonymous note → private note) that point into this member's documents. */
function linksTo(memberId: string): number {
	const db = new DatabaseSync(dbFile(server.dataDir), { readOnly: true });
	try {
		return Number((db.prepare('SELECT COUNT(*) AS n FROM anonymous_notes WHERE source_doc LIKE ?').get(`%${memberId}%`) as { n: number }).n);
	} finally {
		db.close();
	}
}

/** The bytes of everything stored for a document: its log rows and its checkpoints. */
function storedBytes(name: string): Buffer[] {
	const db = new DatabaseSync(dbFile(server.dataDir), { readOnly: true });
	try {
		const rows = db.prepare('SELECT data FROM updates WHERE doc = ?').all(name) as { data: Uint8Array }[];
		const checkpoints = db.prepare('SELECT state FROM checkpoints WHERE doc = ?').all(name) as { state: Uint8Array }[];
		return [...rows.map((r) => Buffer.from(r.data)), ...checkpoints.map((c) => Buffer.from(c.state))];
	} finally {
		db.close();
	}
}

describe('leaving', () => {
	it("with { shared: 'erase' } leaves not one byte of their notes in the data directory", async () => {
		const { leaver } = await leaverWrites();
		const watching = await onlooker();
		const p = fx.practice.id;
		// Before: the markers are on disk (so the search below can find them), and so is the practice's name.
		expect(filesContaining(secret)).not.toEqual([]);
		expect(filesContaining(sharedMarker)).not.toEqual([]);
		expect(storedBytes(privateDoc(p, boards[0], leaver.member.id)).some((b) => b.includes(secret))).toBe(true);
		expect(linksTo(leaver.member.id)).toBe(1);
		const anonName = anonymousDoc(p, boards[1]);
		const anonHistory = async () => (await server.zwerm.storage.log.history([anonName])).map((e) => e.seq);
		const anonBefore = await anonHistory();
		let anonFrames = 0;
		watching.anon[1].doc.on('update', () => anonFrames++);

		await server.zwerm.practices.leave(p, leaver.member.id, { shared: 'erase' });

		expect(filesContaining(secret)).toEqual([]);
		expect(filesContaining(sharedMarker)).toEqual([]);
		expect(filesContaining(fx.practice.name)).toContain('zwerm.db');
		for (const board of boards) {
			for (const name of [privateDoc(p, board, leaver.member.id), laneDoc(p, board, leaver.member.id)]) {
				expect(listNotes(await server.zwerm.readDocument(name)), name).toEqual([]);
				expect(listNotes(readStored(server.dataDir, name).doc), name).toEqual([]);
			}
		}
		for (const lane of watching.lanes) await expect.poll(() => listNotes(lane.doc).length === 0, { message: "L's notes gone from the onlooker's screen" }).toBe(true);
		// Their anonymous note stays, and nothing of the anonymous lane changes as their name
		// leaves the member list: removing it then would name its author. The server forgets
		// whose it was, and the anonymous lane's history (everyone's) keeps every entry.
		expect(linksTo(leaver.member.id)).toBe(0);
		await server.zwerm.mirror.mirror(privateDoc(p, boards[1], leaver.member.id));
		await server.zwerm.durable.batcher.idle();
		expect(laneView(await server.zwerm.readDocument(anonName)).map((n) => n.text)).toEqual([anonMarker]);
		expect(laneView(watching.anon[1].doc).map((n) => n.text)).toEqual([anonMarker]);
		expect(anonFrames).toBe(0);
		expect(await anonHistory()).toEqual(anonBefore);

		expect(await server.zwerm.practices.sessionMember(p, leaver.token)).toBeNull();
		expect(await sessionRefused(leaver.token, practiceDoc(p))).toEqual(['unauthorized']);

		// And after the server has shut down (checkpoints on unload, the log folded in).
		await server.stop();
		expect(readdirSync(server.dataDir)).toContain('zwerm.db');
		expect(filesContaining(secret)).toEqual([]);
		expect(filesContaining(sharedMarker)).toEqual([]);
	});

	it("with { shared: 'anonymize' } keeps the shared text in the anonymous lane, without their name, and nothing else", async () => {
		const { leaver, lanes } = await leaverWrites();
		const watching = await onlooker();
		const p = fx.practice.id;
		const leaverClients = new Set(lanes.map((l) => l.doc.clientID));
		expect(filesContaining(secret)).not.toEqual([]);
		for (const board of boards) expect(storedBytes(laneDoc(p, board, leaver.member.id)).some((b) => b.includes(sharedMarker))).toBe(true);
		const before = Date.now();

		await server.zwerm.practices.leave(p, leaver.member.id, { shared: 'anonymize' });

		expect(filesContaining(secret)).toEqual([]);
		for (const [i, board] of boards.entries()) {
			const lane = laneDoc(p, board, leaver.member.id);
			const anon = anonymousDoc(p, board);
			// The shared text survives, as an anonymous note, on the onlooker's screen and on the server.
			const anonymized = (doc: Y.Doc) => laneView(doc).filter((n) => n.text.startsWith(sharedMarker));
			await expect.poll(() => anonymized(watching.anon[i].doc).length === 1, { message: 'the anonymized note on the onlooker screen' }).toBe(true);
			for (const doc of [watching.anon[i].doc, await server.zwerm.readDocument(anon), readStored(server.dataDir, anon).doc]) {
				const notes = anonymized(doc);
				expect(notes).toHaveLength(1);
				// At a place the server chose in the anonymous lane (covering nothing there), not a copy of the old one.
				expect(notes[0]).toMatchObject({ text: `${sharedMarker} op ${board}`, createdBy: null, px: expect.any(Number), py: expect.any(Number) });
				expect(notes[0].createdAt).toBe(dayOf(before));
			}
			// Not written by the leaver's client: every struct of the anonymous lane is the server's.
			for (const bytes of storedBytes(anon)) {
				expect(bytes.includes(Buffer.from(leaver.member.id))).toBe(false);
				expect(bytes.includes(Buffer.from(leaver.member.name))).toBe(false);
			}
			const state = Y.encodeStateAsUpdate(await server.zwerm.readDocument(anon));
			for (const s of Y.decodeUpdate(state).structs) expect(leaverClients.has(s.id.client)).toBe(false);

			// Their lane is empty, and its stored history no longer holds the text.
			await expect.poll(() => listNotes(watching.lanes[i].doc).length === 0, { message: "L's lane empty on the onlooker screen" }).toBe(true);
			expect(listNotes(await server.zwerm.readDocument(lane))).toEqual([]);
			expect(listNotes(readStored(server.dataDir, lane).doc)).toEqual([]);
			expect(storedBytes(lane).some((b) => b.includes(sharedMarker))).toBe(false);
		}

		// The server keeps no link either: the anonymous lane's log has no author, the link table nothing of L.
		const db = new DatabaseSync(dbFile(server.dataDir), { readOnly: true });
		try {
			const authors = db.prepare("SELECT DISTINCT member_id FROM updates WHERE doc LIKE '%/anonymous'").all() as { member_id: string | null }[];
			expect(authors).toEqual([{ member_id: null }]);
		} finally {
			db.close();
		}
		expect(linksTo(leaver.member.id)).toBe(0);

		expect(await sessionRefused(leaver.token, laneDoc(p, boards[0], leaver.member.id))).toEqual(['unauthorized']);
		await server.stop();
		expect(filesContaining(secret)).toEqual([]);
		// The text lives on only in the anonymous lane's own rows.
		expect(filesContaining(sharedMarker)).toEqual(['zwerm.db']);
	});

	// Leaving removes the member's name from disk: the members row is blanked and
	// the practice document's history is replaced by its current state.
	it('leaves no trace of their name in the data directory', async () => {
		const { leaver } = await leaverWrites();
		const unique = `Lieke ${randomBytes(4).toString('hex')}`;
		await server.zwerm.practices.changeMember(fx.practice.id, leaver.member.id, { name: unique });
		await server.zwerm.durable.batcher.idle();
		expect(filesContaining(unique)).not.toEqual([]);

		await server.zwerm.practices.leave(fx.practice.id, leaver.member.id, { shared: 'erase' });
		await server.stop();
		expect(filesContaining(unique)).toEqual([]);
	});
});
