import * as Y from 'yjs';
import { expect } from 'vitest';
import type { TestClient } from './clients.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, deleteNote, noteContent, notesMap, plainText, setPlainText } from '#lib/domain/notes.ts';
import { changeVisibility } from '#lib/domain/visibility.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * Five meetings on one board, written over real websockets, for the story
 * report's tests (integration and end-to-end drive it through their own
 * ways of starting meetings and bringing anonymous notes in):
 *
 *   1 "Eerste bijeenkomst": two collective notes are written;
 *   2 "Tweede bijeenkomst": one of them is rewritten;
 *   3 "Derde bijeenkomst":  Anna brings a note of her shared lane in;
 *     between 3 and 4:      one collective note is added;
 *   4 "Vierde bijeenkomst": an idea is added to the collective lane;
 *   5 "Vijfde bijeenkomst": that idea is removed; Bert brings a shared note in;
 *                           an anonymous note (by `anonymousAuthor`) is brought in.
 */
export const STORY = {
	board: 'intentie' as BoardId,
	meetings: ['Eerste bijeenkomst', 'Tweede bijeenkomst', 'Derde bijeenkomst', 'Vierde bijeenkomst', 'Vijfde bijeenkomst'],
	first: 'Wij willen de wijk betrekken',
	second: 'Regels van de gemeente gelden',
	rewritten: 'Wij willen de hele wijk echt betrekken',
	annaNote: 'Buren kennen elkaar al lang',
	between: 'Tussendoor bedacht: een buurtfeest',
	idea: 'Een idee dat niet blijft: een app',
	bertNote: 'Samen koken verbindt',
	anonymous: 'Ik durf het niet hardop te zeggen'
} as const;

export interface StoryPeople {
	readonly facilitator: { readonly id: string; readonly token: string };
	readonly anna: { readonly id: string; readonly token: string };
	readonly bert: { readonly id: string; readonly token: string };
}

export interface StoryDriver {
	/** A synced client of a document. */
	open(name: string, token: string): Promise<TestClient>;
	startMeeting(title: string): Promise<string>;
	endMeeting(id: string): Promise<void>;
	/** Brings an anonymous note into the collective lane (the server writes it). */
	bringInAnonymous(anonNoteId: string): Promise<void>;
	/** Waits until everything written so far is in the log (before a mark). */
	settled(): Promise<void>;
}

function findNote(doc: Y.Doc, text: string): NoteId | undefined {
	for (const [id, note] of notesMap(doc)) if (note instanceof Y.Map && plainText(noteContent(doc, id as NoteId)) === text) return id as NoteId;
	return undefined;
}

/** Writes the five meetings; returns the meeting ids in order. */
export async function writeStory(p: PracticeId, people: StoryPeople, driver: StoryDriver, anonymousAuthor: 'anna' | 'bert'): Promise<string[]> {
	const board = STORY.board;
	const fenna = people.facilitator.id as MemberId;
	const anna = people.anna.id as MemberId;
	const bert = people.bert.id as MemberId;
	const collective = await driver.open(collectiveDoc(p, board), people.facilitator.token);
	// Each member writes the collective lane through their own connection (the server checks who creates a note).
	const annaCollective = await driver.open(collectiveDoc(p, board), people.anna.token);
	const bertCollective = await driver.open(collectiveDoc(p, board), people.bert.token);
	const annaLane = await driver.open(laneDoc(p, board, anna), people.anna.token);
	const bertLane = await driver.open(laneDoc(p, board, bert), people.bert.token);
	const author = people[anonymousAuthor];
	const authorPrivate = await driver.open(privateDoc(p, board, author.id as MemberId), author.token);
	const authorLane = anonymousAuthor === 'anna' ? annaLane : bertLane;
	const anonymous = await driver.open(anonymousDoc(p, board), people.facilitator.token);
	const at = () => Date.now();
	const ids: string[] = [];
	const meeting = async (title: string, work: () => Promise<void>) => {
		await driver.settled();
		const id = await driver.startMeeting(title);
		await work();
		await driver.settled();
		await driver.endMeeting(id);
		ids.push(id);
	};

	let first!: NoteId;
	await meeting(STORY.meetings[0], async () => {
		first = createNote(collective.doc, { createdBy: fenna, at: at(), text: STORY.first });
		createNote(collective.doc, { createdBy: fenna, at: at(), text: STORY.second });
		await collective.saved();
	});
	await meeting(STORY.meetings[1], async () => {
		setPlainText(noteContent(collective.doc, first), STORY.rewritten);
		await collective.saved();
	});
	await meeting(STORY.meetings[2], async () => {
		const note = createNote(annaLane.doc, { createdBy: anna, at: at(), text: STORY.annaNote });
		await annaLane.saved();
		bringIn(annaCollective.doc, { doc: annaLane.doc, memberId: anna, noteId: note }, { createdBy: anna, at: at() });
		await annaCollective.saved();
	});
	await expect.poll(() => findNote(collective.doc, STORY.annaNote)).toBeDefined();
	createNote(collective.doc, { createdBy: fenna, at: at(), text: STORY.between });
	await collective.saved();
	let idea!: NoteId;
	await meeting(STORY.meetings[3], async () => {
		idea = createNote(collective.doc, { createdBy: fenna, at: at(), text: STORY.idea });
		await collective.saved();
	});
	await meeting(STORY.meetings[4], async () => {
		deleteNote(collective.doc, idea);
		await collective.saved();
		const note = createNote(bertLane.doc, { createdBy: bert, at: at(), text: STORY.bertNote });
		await bertLane.saved();
		bringIn(bertCollective.doc, { doc: bertLane.doc, memberId: bert, noteId: note }, { createdBy: bert, at: at() });
		await bertCollective.saved();
		// The anonymous note: written privately, made anonymous; the server copies it into the anonymous lane.
		const by = { createdBy: author.id as MemberId, at: at() };
		const mine = createNote(authorPrivate.doc, { ...by, text: STORY.anonymous });
		changeVisibility({ private: authorPrivate.doc, shared: authorLane.doc }, 'private', mine, 'anonymous', by);
		await Promise.all([authorPrivate.saved(), authorLane.saved()]);
		await expect.poll(() => findNote(anonymous.doc, STORY.anonymous), { timeout: 15000 }).toBeDefined();
		await driver.bringInAnonymous(findNote(anonymous.doc, STORY.anonymous)!);
		await expect.poll(() => findNote(collective.doc, STORY.anonymous)).toBeDefined();
	});
	for (const c of [collective, annaCollective, bertCollective, annaLane, bertLane, authorPrivate, anonymous]) c.destroy();
	return ids;
}
