import { describe, expect, it } from '../helpers/fixture.ts';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { ChildServer } from '../helpers/child.ts';
import type { Scope } from '../helpers/scope.ts';
import { postgresAvailable } from '../helpers/postgres.ts';
import { authFrame, decodeServerMessage, syncStep1Frame, updateFrame } from '../helpers/protocol.ts';
import { createRandom, type Random } from '../helpers/random.ts';
import { laneView } from '../helpers/lane.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { createNote, noteContent } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * kill -9 under load: 50 editors stream edits into a server in another
 * process (20 on the shared collective lane, 30 in their members' own lanes);
 * it is killed mid-stream, restarted on the same data, killed again — three
 * times, on SQLite and on PostgreSQL. After every restart each edit the server
 * acknowledged, in any round, is there.
 *
 * The editors speak the protocol by hand (a provider each would cost this
 * process more than the server): one update frame per edit, and the server
 * answers every update with one sync-status message, sent only once the update
 * is durable. So an editor's first `acknowledged` edits are the saved ones.
 * 50 connections from 127.0.0.1 stay within the default limits (256 per
 * address; 300 messages a second per connection, far above an editor's pace).
 */
const EDITORS = 50;
const ON_COLLECTIVE = 20;
const MEMBERS = 10;
const ROUNDS = 3;
const board = 'actanten' as BoardId;

let scope: Scope;
it.beforeEach(({ scope: sc }) => {
	scope = sc;
});

interface Editor {
	readonly ws: WebSocket;
	readonly doc: Y.Doc;
	readonly name: string;
	readonly label: string;
	readonly memberId: MemberId;
	/** Every edit in the order it was sent, with the note's text right after it. */
	readonly log: { readonly id: NoteId; readonly text: string }[];
	/** How many edits (from the start of `log`) the server has acknowledged. */
	acknowledged: number;
	refused: number;
	closed: boolean;
}

/** Connects, authenticates and syncs; from then on every local transaction goes out as one update frame. */
async function startEditor(wsUrl: string, name: string, token: string, memberId: MemberId, label: string): Promise<Editor> {
	const ws = new WebSocket(wsUrl);
	scope.defer(() => ws.terminate());
	ws.binaryType = 'nodebuffer';
	const editor: Editor = { ws, doc: new Y.Doc(), name, label, memberId, log: [], acknowledged: 0, refused: 0, closed: false };
	let authenticated = false;
	let synced = false;
	ws.on('message', (data: Buffer) => {
		const message = decodeServerMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
		if (message.type === 'sync-status') {
			if (message.applied) editor.acknowledged++;
			else editor.refused++;
		} else if (message.type === 'authenticated') authenticated = true;
		else if (message.type === 'sync') synced = true;
	});
	ws.on('close', () => (editor.closed = true));
	ws.on('error', () => {});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	ws.send(authFrame(name, token));
	await expect.poll(() => authenticated, { message: `${label} authenticated`, timeout: 20000 }).toBe(true);
	ws.send(syncStep1Frame(name, new Uint8Array([0])));
	await expect.poll(() => synced, { message: `${label} synced`, timeout: 20000 }).toBe(true);
	editor.doc.on('update', (update: Uint8Array) => {
		if (ws.readyState === ws.OPEN) ws.send(updateFrame(name, update));
	});
	return editor;
}

/** One edit (one update): a new note, or a word typed at the end of one of this editor's notes. Text only grows. */
function edit(editor: Editor, random: Random): void {
	const current = new Map(editor.log.map((e) => [e.id, e.text]));
	if (current.size === 0 || random.bool(0.3)) {
		const id = random.id() as NoteId;
		const text = `${editor.label}-${current.size}:`;
		// Logged before the change is made: its update goes out inside the call.
		editor.log.push({ id, text });
		createNote(editor.doc, { id, createdBy: editor.memberId, at: Date.now(), text, x: random.next(), y: random.next() });
	} else {
		const id = random.pick([...current.keys()]);
		const typed = ` ${random.word()}`;
		editor.log.push({ id, text: current.get(id)! + typed });
		const text = (noteContent(editor.doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, typed);
	}
}

interface Member {
	readonly memberId: string;
	readonly token: string;
}

/**
 * Three rounds on one store: 50 editors write, the server dies by SIGKILL at a
 * random moment, a new one starts on the same data and must hold every edit
 * acknowledged so far (this round's and the earlier rounds').
 */
async function killRounds(seed: number, store: { dataDir: string; databaseUrl?: string }) {
	const random = createRandom(seed);
	let server: ChildServer = await scope.spawnServer(store.dataDir, { ...store, setup: { participants: MEMBERS - 1 } });
	const setup = server.setup!;
	const practiceId = setup.practiceId as PracticeId;
	const members: Member[] = [setup.facilitator, ...setup.participants];
	/** Per document: note → its text as of the last acknowledged edit. */
	const expected = new Map<string, Map<NoteId, string>>();
	const results: { sent: number; acknowledged: number }[] = [];

	for (let round = 0; round < ROUNDS; round++) {
		const editors = await Promise.all(
			Array.from({ length: EDITORS }, (_, i) => {
				const member = members[i % MEMBERS];
				const memberId = member.memberId as MemberId;
				const name = i < ON_COLLECTIVE ? collectiveDoc(practiceId, board) : laneDoc(practiceId, board, memberId);
				return startEditor(server.wsUrl, name, member.token, memberId, `r${round}e${i}`);
			})
		);

		// Each editor writes in small bursts at its own pace, until the server is gone (or a cap). Like
		// a person who sees "saving…", it waits when 20 of its edits are unacknowledged: a server slowed
		// by a loaded machine is not buried under a backlog no real client would build up.
		let stopped = false;
		const streams = editors.map(async (editor, i) => {
			const own = createRandom(seed * 1000 + round * 100 + i);
			while (!stopped && !editor.closed && editor.log.length < 300) {
				if (editor.log.length - editor.acknowledged < 20) for (let n = own.int(1, 3); n > 0; n--) edit(editor, own);
				// Its own typing pace: the pause is the scenario, not a wait for something.
				await new Promise((resolve) => setTimeout(resolve, own.int(5, 60)));
			}
		});
		const sent = () => editors.reduce((n, e) => n + e.log.length, 0);
		const acknowledged = () => editors.reduce((n, e) => n + e.acknowledged, 0);
		// The kill comes at a random moment of the stream, once the server has acknowledged a fair
		// number of edits (a loaded machine may lag).
		const writeFor = random.int(800, 2000);
		const started = Date.now();
		await expect.poll(() => acknowledged() >= 100 && Date.now() - started >= writeFor, { message: 'a stream under way', timeout: 40000 }).toBe(true);
		await server.kill9();
		const atKill = { sent: sent(), acknowledged: acknowledged() };
		stopped = true;
		await Promise.all(streams);
		// Nothing the editors still hold may reach the next server: only what is stored counts.
		for (const editor of editors) editor.ws.terminate();
		results.push(atKill);

		expect(editors.reduce((n, e) => n + e.refused, 0), 'no update was refused').toBe(0);
		for (const editor of editors) {
			const notes = expected.get(editor.name) ?? new Map<NoteId, string>();
			expected.set(editor.name, notes);
			for (const { id, text } of editor.log.slice(0, editor.acknowledged)) notes.set(id, text);
		}

		server = await scope.spawnServer(store.dataDir, store);
		for (const [name, notes] of expected) {
			const reader = scope.connect(server.wsUrl, name, setup.facilitator.token, new Y.Doc());
			await expect.poll(() => reader.provider.isSynced, { message: `${name} loaded after round ${round}`, timeout: 20000 }).toBe(true);
			const view = new Map(laneView(reader.doc).map((n) => [n.id, n.text]));
			for (const [id, text] of notes) {
				const found = view.get(id);
				expect(found, `seed ${seed}, round ${round}: acknowledged note "${text}" survived`).toBeDefined();
				// Typing only appends: what is stored is the acknowledged text, perhaps with more after it.
				expect(found!.startsWith(text), `seed ${seed}, round ${round}: "${found}" starts with acknowledged "${text}"`).toBe(true);
			}
			reader.destroy();
		}
	}
	await server.kill9();
	const acknowledgedNotes = [...expected.values()].reduce((n, notes) => n + notes.size, 0);
	return { results, acknowledgedNotes };
}

describe('kill -9 under load from 50 editors, three times over', () => {
	it('SQLite: every acknowledged edit is there after each restart', { timeout: 120000 }, async () => {
		const dataDir = scope.tempDir('zwerm-kill9-load-');
		const { results, acknowledgedNotes } = await killRounds(5, { dataDir });
		expect(acknowledgedNotes).toBeGreaterThan(0);
		// The kills landed mid-stream: edits were still waiting for their acknowledgement.
		expect(results.some((r) => r.sent > r.acknowledged)).toBe(true);
	});

	it.skipIf(!postgresAvailable)('PostgreSQL: every acknowledged edit is there after each restart', { timeout: 120000 }, async () => {
		const dataDir = scope.tempDir('zwerm-kill9-load-pg-');
		const db = await scope.database();
		const { results, acknowledgedNotes } = await killRounds(6, { dataDir, databaseUrl: db.url });
		expect(acknowledgedNotes).toBeGreaterThan(0);
		expect(results.some((r) => r.sent > r.acknowledged)).toBe(true);
	});
});
