import { COLLECTIVE_W, REGION_HEADER } from '#lib/domain/board-space.ts';
import { describe, expect, it } from '../helpers/fixture.ts';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type { TestServer } from '../helpers/server.ts';
import type { Scope } from '../helpers/scope.ts';
import { MessageType, SyncStep, updateFrame } from '../helpers/protocol.ts';
import { laneView } from '../helpers/lane.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, moveNote, noteContent, readNote, setPlainText } from '#lib/domain/notes.ts';
import { NOTE_GAP } from '#lib/domain/board-space.ts';
import { dayOf, setAnonymous } from '#lib/domain/visibility.ts';
import type { BoardId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';
import type { PracticeRecord } from '#server/records.ts';
import { exportPractice } from '#server/export.ts';

/**
 * An anonymous note: the group sees its text, and nothing any other client
 * receives links it to its author. Author A writes the note in their private
 * document and flags it anonymous; B and the facilitator F watch the board
 * (collective, anonymous, and A's shared lane, all with presence on) and
 * every binary frame their sockets receive is kept and searched: for A's
 * name and member id, for the Yjs client id A writes with, and for the id A's
 * client gave the note.
 */
const board = 'intentie' as BoardId;
const utf8 = (s: string) => new TextEncoder().encode(s);

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
	outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
		for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
		return i;
	}
	return -1;
}
const contains = (haystack: Uint8Array, needle: Uint8Array) => indexOf(haystack, needle) >= 0;

const varUint = (n: number): Uint8Array => {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, n);
	return encoding.toUint8Array(e);
};

interface Frame {
	readonly documentName: string;
	/** Everything after the document name: what the server says about it. */
	readonly body: Uint8Array;
	readonly type: number;
	/** Yjs client ids in updates (structs and deletions) and state vectors. */
	readonly yClients: number[];
	/** Awareness entries: client id and state. */
	readonly awareness: { clientID: number; state: Record<string, unknown> | null }[];
}

/** Decodes one frame the server sent, as deep as the Yjs and awareness encodings go. */
function decodeFrame(data: Uint8Array): Frame | null {
	if (data.length === 1) return null; // ping
	const d = decoding.createDecoder(data);
	const documentName = decoding.readVarString(d).split('\0')[0];
	const body = data.subarray(d.pos);
	const type = decoding.readVarUint(d);
	const yClients: number[] = [];
	const awareness: Frame['awareness'] = [];
	if (type === MessageType.Sync || type === MessageType.SyncReply) {
		const step = decoding.readVarUint(d);
		const payload = decoding.readVarUint8Array(d);
		if (step === SyncStep.Step1) {
			yClients.push(...Y.decodeStateVector(payload).keys());
		} else {
			const { structs, ds } = Y.decodeUpdate(payload);
			for (const s of structs) yClients.push(s.id.client);
			yClients.push(...ds.clients.keys());
		}
	} else if (type === MessageType.Awareness) {
		const payload = decoding.createDecoder(decoding.readVarUint8Array(d));
		const n = decoding.readVarUint(payload);
		for (let i = 0; i < n; i++) {
			const clientID = decoding.readVarUint(payload);
			decoding.readVarUint(payload); // clock
			awareness.push({ clientID, state: JSON.parse(decoding.readVarString(payload)) as Record<string, unknown> | null });
		}
	}
	return { documentName, body, type, yClients, awareness };
}

/** A member's browser: one socket, several documents, and every frame it received. */
interface Watcher {
	readonly session: Session;
	readonly socket: HocuspocusProviderWebsocket;
	readonly docs: Record<'collective' | 'anonymous' | 'lane', HocuspocusProvider>;
	readonly frames: Uint8Array[];
	destroy(): void;
}

let server: TestServer;
let practice: PracticeRecord;
let facilitator: Session;
let author: Session;
let bystander: Session;
let scope: Scope;

const socket = () => scope.socket(server.wsUrl);
const provider = (s: HocuspocusProviderWebsocket, name: string, token: string, awareness = true) => scope.provider(s, name, token, awareness);

async function watcher(session: Session): Promise<Watcher> {
	const s = socket();
	const frames: Uint8Array[] = [];
	s.on('message', (event: MessageEvent) => frames.push(new Uint8Array(event.data as ArrayBuffer).slice()));
	const docs = {
		collective: provider(s, collectiveDoc(practice.id, board), session.token),
		anonymous: provider(s, anonymousDoc(practice.id, board), session.token),
		lane: provider(s, laneDoc(practice.id, board, author.member.id), session.token)
	};
	for (const p of Object.values(docs)) {
		p.setAwarenessField('user', { name: session.member.name, color: '#1f6f43' });
	}
	await expect.poll(() => Object.values(docs).every((p) => p.isSynced), { message: `${session.member.name} synced` }).toBe(true);
	return { session, socket: s, docs, frames, destroy: () => s.destroy() };
}

/** The author's browser as the board page opens it: private notes, the anonymous lane without presence. */
async function authorClient() {
	const s = socket();
	const priv = provider(s, privateDoc(practice.id, board, author.member.id), author.token);
	// Presence on the private document, worst case: nobody else may ever receive it.
	priv.setAwarenessField('user', { name: author.member.name, memberId: author.member.id, color: '#b3261e' });
	const anon = provider(s, anonymousDoc(practice.id, board), author.token, false);
	await expect.poll(() => priv.isSynced && anon.isSynced, { message: 'the author synced' }).toBe(true);
	return { socket: s, priv, anon, saved: () => expect.poll(() => priv.unsyncedChanges === 0, { message: 'the author saved' }).toBe(true) };
}

const textOf = (doc: Y.Doc) => laneView(doc).map((n) => n.text);

it.beforeEach(async ({ server: s, scope: sc }) => {
	server = s;
	scope = sc;
	server.zwerm.mirror.mirrorDelayMs = 20;
	const created = await server.zwerm.practices.create({ name: 'Buurtteam Zuid', facilitatorName: 'Fenna' });
	practice = created.practice;
	facilitator = created.facilitator;
	// A name that occurs nowhere by chance.
	author = (await server.zwerm.practices.join(practice.participantInvite, { name: `Anouk Qv${Math.random().toString(36).slice(2, 8)}` }))!;
	bystander = (await server.zwerm.practices.join(practice.participantInvite, { name: 'Bram' }))!;
});

describe('an anonymous note', () => {
	it('reaches the group, and no frame they receive links it to its author', async () => {
		const b = await watcher(bystander);
		const f = await watcher(facilitator);
		const a = await authorClient();
		const authorClientID = a.priv.document.clientID;

		// A writes, flags it anonymous, types more, and moves it.
		const createdAt = Date.now();
		const noteId = createNote(a.priv.document, { createdBy: author.member.id, at: createdAt, text: 'Ik twijfel of wij het goed doen', x: 0.2, y: 0.3 });
		setAnonymous(a.priv.document, noteId, true);
		await a.saved();
		for (const w of [b, f]) await expect.poll(() => textOf(w.docs.anonymous.document)[0] === 'Ik twijfel of wij het goed doen', { message: `${w.session.member.name} sees it` }).toBe(true);
		// The server chose its place (not the author's 0.2, 0.3 in their private lane).
		const [landed] = listNotes(b.docs.anonymous.document);
		expect([landed.px, landed.py]).toEqual([NOTE_GAP, NOTE_GAP]);

		const paragraph = noteContent(a.priv.document, noteId).get(0) as Y.XmlElement;
		const text = paragraph.get(0) as Y.XmlText;
		for (const ch of ', echt') text.insert(text.length, ch);
		moveNote(a.priv.document, noteId, 0.7, 0.8);
		await a.saved();
		const final = 'Ik twijfel of wij het goed doen, echt';
		for (const w of [b, f]) {
			await expect.poll(() => laneView(w.docs.anonymous.document)[0]?.text === final, { message: `${w.session.member.name} sees the edit` }).toBe(true);
			// Moving the private note does not move the anonymous one: its place never follows the author.
			expect(listNotes(w.docs.anonymous.document)[0]).toMatchObject({ px: landed.px, py: landed.py, x: landed.x, y: landed.y });
		}

		// F brings it into the collective lane; the server writes that note.
		const anonId = listNotes(b.docs.anonymous.document)[0].id;
		const collectiveId = await server.zwerm.mirror.bringIn(practice.id, board, anonId);
		for (const w of [b, f]) await expect.poll(() => readNote(w.docs.collective.document, collectiveId) !== null, { message: 'the collective note' }).toBe(true);

		// What the group sees: the text, without an author, at the day only.
		for (const w of [b, f]) {
			const [anon] = laneView(w.docs.anonymous.document);
			expect(anon).toMatchObject({ text: final, createdBy: null, createdAt: dayOf(createdAt) });
			expect(anon.id).not.toBe(noteId);
			expect(anon.createdAt % 86_400_000).toBe(0);
			expect(readNote(w.docs.collective.document, collectiveId)).toMatchObject({ createdBy: null, cites: [`anon:${anonId}`] });
			expect(laneView(w.docs.lane.document)).toEqual([]);
		}

		const needles = {
			name: utf8(author.member.name),
			memberId: utf8(author.member.id),
			noteId: utf8(noteId),
			clientID: varUint(authorClientID)
		};
		// The search works: it finds what is there.
		expect(contains(Y.encodeStateAsUpdate(a.priv.document), needles.clientID)).toBe(true);
		expect(decodeFrame(updateFrame('x', Y.encodeStateAsUpdate(a.priv.document)))!.yClients).toContain(authorClientID);

		for (const w of [b, f]) {
			const frames = w.frames.map(decodeFrame).filter((x): x is Frame => x !== null);
			expect(frames.length).toBeGreaterThan(10);
			// The recording holds the note's text, and the others' presence.
			const anonFrames = frames.filter((fr) => fr.documentName === anonymousDoc(practice.id, board));
			expect(anonFrames.some((fr) => contains(fr.body, utf8('twijfel')))).toBe(true);
			const otherName = w === b ? facilitator.member.name : bystander.member.name;
			expect(frames.some((fr) => fr.awareness.some((e) => (e.state?.user as { name?: string } | undefined)?.name === otherName))).toBe(true);

			// Documents: only the ones this member opened (A's lane name holds A's id; that is A's shared lane, not the note).
			expect(new Set(frames.map((fr) => fr.documentName))).toEqual(
				new Set([collectiveDoc(practice.id, board), anonymousDoc(practice.id, board), laneDoc(practice.id, board, author.member.id)])
			);
			for (const fr of frames) {
				const where = `${w.session.member.name}: frame type ${fr.type} of ${fr.documentName}`;
				expect(contains(fr.body, needles.name), `${where}: the author's name`).toBe(false);
				expect(contains(fr.body, needles.memberId), `${where}: the author's member id`).toBe(false);
				expect(contains(fr.body, needles.noteId), `${where}: the author's note id`).toBe(false);
				expect(contains(fr.body, needles.clientID), `${where}: the author's client id`).toBe(false);
				expect(fr.yClients, `${where}: structs of the author's client`).not.toContain(authorClientID);
				for (const entry of fr.awareness) {
					expect(entry.clientID, where).not.toBe(authorClientID);
					const state = JSON.stringify(entry.state);
					expect(state).not.toContain(author.member.name);
					expect(state).not.toContain(author.member.id);
				}
			}
		}

		// The export: the note is there without its author, and A's lane does not hold it.
		const exported = await exportPractice(server.zwerm, (await server.zwerm.practices.get(practice.id))!);
		const exportedBoard = exported.boards.find((x) => x.id === board)!;
		expect(exportedBoard.anonymous).toHaveLength(1);
		const [anonEntry] = exportedBoard.anonymous;
		expect(anonEntry).toMatchObject({ id: anonId, text: final, createdBy: null });
		expect(anonEntry.createdAt).toBe(new Date(dayOf(createdAt)).toISOString());
		expect(anonEntry.createdAt).toMatch(/T00:00:00\.000Z$/);
		const brought = exportedBoard.collective.find((n) => n.id === collectiveId)!;
		expect(brought.createdBy).toBeNull();
		expect(brought.cites).toEqual([{ member: null, memberId: null, anonymous: true, noteId: anonId }]);
		for (const entry of [anonEntry, brought]) {
			const json = JSON.stringify(entry);
			expect(json).not.toContain(author.member.name);
			expect(json).not.toContain(author.member.id);
		}
		expect(exportedBoard.lanes.find((l) => l.memberId === author.member.id)!.notes).toEqual([]);
		expect(JSON.stringify(exported)).not.toContain(noteId);
	});

	it('stays out of the anonymous lane while private, and leaves it when made private again', async () => {
		const b = await watcher(bystander);
		const a = await authorClient();
		createNote(a.priv.document, { createdBy: author.member.id, at: Date.now(), text: 'alleen voor mij' });
		const open = createNote(a.priv.document, { createdBy: author.member.id, at: Date.now(), text: 'voor de groep' });
		setAnonymous(a.priv.document, open, true);
		await a.saved();
		await expect.poll(() => textOf(b.docs.anonymous.document).includes('voor de groep'), { message: 'the anonymous note' }).toBe(true);
		// The private one was written first: had it been mirrored, it would be there by now.
		await server.zwerm.durable.batcher.idle();
		expect(textOf(b.docs.anonymous.document)).toEqual(['voor de groep']);
		expect(textOf(await server.zwerm.readDocument(anonymousDoc(practice.id, board)))).toEqual(['voor de groep']);
		expect(b.frames.some((fr) => contains(fr, utf8('alleen voor mij')))).toBe(false);

		setAnonymous(a.priv.document, open, false);
		await a.saved();
		await expect.poll(() => listNotes(b.docs.anonymous.document).length === 0, { message: 'the note to leave the anonymous lane' }).toBe(true);
		expect(listNotes(await server.zwerm.readDocument(anonymousDoc(practice.id, board)))).toEqual([]);
	});

	// A pointer in someone's private lane would show everyone where, a moment
	// later, an anonymous note lands: the server drops pointers into private lanes.
	it("does not carry the author's pointer in their private lane to anyone", async () => {
		const b = await watcher(bystander);
		const a = await authorClient();
		// The board page: presence on the collective lane, with the pointer.
		const presence = provider(a.socket, collectiveDoc(practice.id, board), author.token);
		presence.setAwarenessField('user', { name: author.member.name, memberId: author.member.id, color: '#b3261e' });
		await expect.poll(() => presence.isSynced, { message: 'the author on the board' }).toBe(true);

		const noteId = createNote(a.priv.document, { createdBy: author.member.id, at: Date.now(), text: 'waar ben ik', x: 0.2, y: 0.2 });
		setAnonymous(a.priv.document, noteId, true);
		for (const [x, y] of [[0.3, 0.3], [0.5, 0.4], [0.65, 0.45]]) {
			presence.setAwarenessField('pointer', { lane: 'private', x, y });
			moveNote(a.priv.document, noteId, x, y);
			// A hand drags: a step every 30 ms. The pause is the scenario, not a wait for something.
			await new Promise((r) => setTimeout(r, 30));
		}
		// Its last change after the last pointer: once it has landed, every pointer frame has too.
		setPlainText(noteContent(a.priv.document, noteId), 'waar ben ik nu');
		await a.saved();
		await expect.poll(() => laneView(b.docs.anonymous.document)[0]?.text === 'waar ben ik nu', { message: 'the anonymous note to land' }).toBe(true);

		const pointers = b.frames
			.map(decodeFrame)
			.flatMap((fr) => fr?.awareness ?? [])
			.map((e) => e.state?.pointer as { lane?: string } | null | undefined)
			.filter((ptr) => ptr != null);
		expect(pointers.filter((ptr) => ptr.lane === 'private')).toEqual([]);
	});

	// Pointers are in board units of a region (the canvas): passed on as such, held to the board's bounds.
	it('passes a pointer on in board units, bounded', async () => {
		const b = await watcher(bystander);
		const a = await authorClient();
		const presence = provider(a.socket, collectiveDoc(practice.id, board), author.token);
		presence.setAwarenessField('user', { name: author.member.name, memberId: author.member.id, color: '#b3261e' });
		await expect.poll(() => presence.isSynced, { message: 'the author on the board' }).toBe(true);
		const seen = () =>
			b.frames
				.map(decodeFrame)
				.flatMap((fr) => fr?.awareness ?? [])
				.map((e) => e.state?.pointer as { lane: string; x: number; y: number } | null | undefined)
				.filter((ptr) => ptr != null);
		presence.setAwarenessField('pointer', { lane: 'collective', x: 1234.4, y: 567 });
		await expect.poll(() => seen().some((p) => p.x === 1234 && p.y === 567)).toBe(true);
		presence.setAwarenessField('pointer', { lane: 'collective', x: 1e9, y: -1e9 });
		await expect.poll(() => seen().some((p) => p.x === COLLECTIVE_W && p.y === -REGION_HEADER)).toBe(true);
	});
});
