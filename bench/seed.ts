import type * as Y from 'yjs';
import type { MemberId, PracticeId, BoardId } from '#lib/domain/ids.ts';
import { collectiveDoc, laneDoc, practiceDoc } from '#lib/domain/docnames.ts';
import { createNote, type NewNote } from '#lib/domain/notes.ts';
import { NOTE_GAP, NOTE_H, NOTE_W, regionWidth, type RegionKind } from '#lib/domain/board-space.ts';
import { NOTE_COLORS } from '#lib/domain/palette.ts';
import type { TestServer } from '../tests/helpers/server.ts';
import { connect, synced, waitFor, type TestClient } from '../tests/helpers/clients.ts';
import { mulberry32 } from '../tests/helpers/random.ts';
import { CREATED_LINK_TTL_MS } from '#server/device-codes.ts';

export const BOARD = 'intentie' as BoardId;

export interface SeedPlan {
	/** Notes in the collective lane. */
	readonly collective: number;
	/** Participants besides the facilitator, each with an individual lane. */
	readonly members: number;
	/** Notes in each participant's individual lane. */
	readonly perMember: number;
	/** Notes written per transaction (1: as a browser writes them, one at a time). */
	readonly perTransaction?: number;
}

export const BOARD_PLAN: SeedPlan = { collective: 1000, members: 10, perMember: 100 };
/** The large board of issue #11 (panning and zooming): 10,000 notes, written 50 to a transaction. */
export const LARGE_BOARD_PLAN: SeedPlan = { collective: 3000, members: 20, perMember: 350, perTransaction: 50 };

/** A seeded note: its id, its place in its region (board units, top-left corner) and its text. */
export interface SeededNote {
	readonly id: string;
	readonly x: number;
	readonly y: number;
	readonly text: string;
}

export interface SeededBoard {
	readonly practiceId: PracticeId;
	readonly boardId: BoardId;
	/** The facilitator's session token: may read every lane. */
	readonly token: string;
	/** A one-time link that signs a browser in as the facilitator (after its confirmation). */
	readonly signInLink: string;
	readonly boardPath: string;
	/** Every document the board page opens, with how many notes it holds. */
	readonly docs: readonly { readonly name: string; readonly notes: number }[];
	/** Every seeded note by lane key (`collective`, or the member's id), as `section[data-lane-key]` names it. */
	readonly lanes: readonly { readonly key: string; readonly notes: readonly SeededNote[] }[];
	readonly totalNotes: number;
	/** The text of the first collective note: a sentinel to look for on screen. */
	readonly sentinel: string;
}

/** A small deterministic PRNG (mulberry32, shared with the tests), so every run seeds the same board. */
export const prng = mulberry32;

const SUBJECTS = ['Wij', 'Het wijkteam', 'De bewoners', 'Onze partners', 'Iedereen hier', 'De gemeente'];
const VERBS = ['willen leren van', 'zoeken samen naar', 'maken ruimte voor', 'stellen vragen over', 'bouwen aan'];
const OBJECTS = [
	'de ervaringen in de buurt',
	'een gedeelde taal voor ons werk',
	'wat er echt toe doet voor mensen',
	'betere afspraken tussen organisaties',
	'de bedoeling achter onze regels',
	'nieuwe manieren van samenwerken'
];

function sentence(rand: () => number, n: number): string {
	const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
	return `Notitie ${n}: ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}.`;
}

/**
 * Where the i-th note of a region goes: rows of notes across the region, as
 * placement lays them out, each nudged by up to a gap so the rows are not
 * ruled straight (a board people arranged). Board units, top-left corner.
 */
export function gridPlace(i: number, kind: RegionKind, rand: () => number): { x: number; y: number } {
	const columns = Math.floor((regionWidth(kind) - NOTE_GAP) / (NOTE_W + NOTE_GAP));
	const nudge = () => Math.round((rand() - 0.5) * NOTE_GAP);
	return {
		x: Math.max(0, NOTE_GAP + (i % columns) * (NOTE_W + NOTE_GAP) + nudge()),
		y: Math.max(0, NOTE_GAP + Math.floor(i / columns) * (NOTE_H + NOTE_GAP) + nudge())
	};
}

/** Writes `count` notes with a sentence each, one transaction per note, at places given as fractions (notes from before board units); returns the texts. */
export function writeNotes(doc: Y.Doc, count: number, by: MemberId | null, rand: () => number, first = 1): string[] {
	const texts: string[] = [];
	for (let i = 0; i < count; i++) {
		const text = sentence(rand, first + i);
		texts.push(text);
		createNote(doc, {
			createdBy: by,
			at: Date.now(),
			text,
			x: rand(),
			y: rand(),
			color: NOTE_COLORS[Math.floor(rand() * NOTE_COLORS.length)].id
		});
	}
	return texts;
}

/**
 * Writes `count` notes with a sentence each at places in board units
 * (`gridPlace`), `perTransaction` to a transaction; returns what it wrote.
 */
export function writePlacedNotes(
	doc: Y.Doc,
	count: number,
	by: MemberId | null,
	kind: RegionKind,
	rand: () => number,
	first = 1,
	perTransaction = 1
): { id: string; x: number; y: number; text: string }[] {
	const out: { id: string; x: number; y: number; text: string }[] = [];
	for (let start = 0; start < count; start += perTransaction) {
		doc.transact(() => {
			for (let i = start; i < Math.min(count, start + perTransaction); i++) {
				const text = sentence(rand, first + i);
				const at = gridPlace(i, kind, rand);
				const init: NewNote = { createdBy: by, at: Date.now(), text, place: { ...at, kind }, color: NOTE_COLORS[Math.floor(rand() * NOTE_COLORS.length)].id };
				out.push({ id: createNote(doc, init), ...at, text });
			}
		});
	}
	return out;
}

/** Waits until a client is synced and the server acknowledged all its changes. */
export const savedWithin = (client: TestClient, timeout: number) =>
	waitFor(() => client.provider.isSynced && client.provider.unsyncedChanges === 0, 'seed saved', timeout);

/**
 * Creates a practice and fills its Intentie board through real clients, one
 * note per transaction as a browser would write them: the collective lane by
 * the facilitator, each individual lane by its owner.
 */
export async function seedBoard(server: TestServer, plan: SeedPlan = BOARD_PLAN): Promise<SeededBoard> {
	const { practices } = server.zwerm;
	const { practice, facilitator } = await practices.create({ name: 'Benchmark-praktijk', facilitatorName: 'Fem' });
	const members: { id: MemberId; token: string }[] = [];
	for (let i = 0; i < plan.members; i++) {
		const session = await practices.join(practice.participantInvite, { name: `Deelnemer ${i + 1}` });
		if (!session) throw new Error('join failed');
		members.push({ id: session.member.id, token: session.token });
	}
	const rand = prng(20260101);
	const writers: { client: TestClient; notes: number; by: MemberId; key: string; kind: RegionKind }[] = [
		{
			client: connect(server.wsUrl, collectiveDoc(practice.id, BOARD), facilitator.token),
			notes: plan.collective,
			by: facilitator.member.id,
			key: 'collective',
			kind: 'collective'
		},
		...members.map((m) => ({
			client: connect(server.wsUrl, laneDoc(practice.id, BOARD, m.id), m.token),
			notes: plan.perMember,
			by: m.id,
			key: m.id as string,
			kind: 'member' as const
		}))
	];
	let sentinel = '';
	let n = 0;
	const lanes: { key: string; notes: SeededNote[] }[] = [];
	try {
		await Promise.all(writers.map((w) => synced(w.client)));
		for (const w of writers) {
			const notes = writePlacedNotes(w.client.doc, w.notes, w.by, w.kind, rand, n + 1, plan.perTransaction ?? 1);
			lanes.push({ key: w.key, notes });
			n += notes.length;
			sentinel ||= notes[0]?.text ?? '';
		}
		await Promise.all(writers.map((w) => savedWithin(w.client, 120000)));
	} finally {
		for (const w of writers) w.client.destroy();
	}
	const docs = [
		{ name: practiceDoc(practice.id), notes: 0 },
		{ name: collectiveDoc(practice.id, BOARD), notes: plan.collective },
		// The facilitator has an (empty) lane too, which the board page opens.
		{ name: laneDoc(practice.id, BOARD, facilitator.member.id), notes: 0 },
		...members.map((m) => ({ name: laneDoc(practice.id, BOARD, m.id), notes: plan.perMember }))
	];
	return {
		practiceId: practice.id,
		boardId: BOARD,
		token: facilitator.token,
		signInLink: (await server.zwerm.deviceCodes.issue(facilitator.member, Date.now(), CREATED_LINK_TTL_MS)).link,
		boardPath: `/p/${practice.id}/b/${BOARD}`,
		docs,
		lanes,
		totalNotes: plan.collective + plan.members * plan.perMember,
		sentinel
	};
}
