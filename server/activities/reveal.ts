import * as Y from 'yjs';
import { anonymousDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import { notesMap, transferNote } from '#lib/domain/notes.ts';
import { readPrivateState } from '#lib/domain/visibility.ts';
import { SERVER_ORIGIN, type MirrorSource } from '../mirror.ts';
import type { DirectConnection, ServiceContext } from '../service-context.ts';

/**
 * A private note's field, written by the server only: the round whose reveal
 * made it anonymous. It never leaves the private document (the mirror copies
 * text, colour and loop), and clients may not write it (schema.ts).
 */
export const REVEALED_IN = 'revealedIn';

/** One member's side of a reveal: their private document and their lane. */
interface RevealLane {
	readonly member: MemberId;
	readonly name: string;
	readonly priv: Y.Doc;
	readonly lane: Y.Doc;
	readonly links: MirrorSource['links'];
}

/** Every document a round's reveal writes, open; `close` when done. */
export interface RevealDocuments {
	readonly anon: Y.Doc;
	readonly lanes: readonly RevealLane[];
	/** The private documents as the anonymous mirror writes from them. */
	readonly sources: MirrorSource[];
	close(): Promise<void>;
}

/** Opens the board's anonymous document and every member's private document and lane (closing them again if one fails). */
export async function openReveal(ctx: ServiceContext, practiceId: PracticeId, boardId: BoardId, members: readonly { id: MemberId }[]): Promise<RevealDocuments> {
	const opened: DirectConnection[] = [];
	const close = async () => {
		await Promise.all(opened.map((c) => c.disconnect()));
	};
	try {
		const anon = await ctx.documents.open(anonymousDoc(practiceId, boardId));
		opened.push(anon);
		const lanes: RevealLane[] = [];
		for (const m of members) {
			const name = privateDoc(practiceId, boardId, m.id);
			const [priv, lane] = await Promise.all([ctx.documents.open(name), ctx.documents.open(laneDoc(practiceId, boardId, m.id))]);
			opened.push(priv, lane);
			lanes.push({ member: m.id, name, priv: priv.document!, lane: lane.document!, links: await ctx.storage.records.anonymousLinks.of(name) });
		}
		const sources = lanes.map((l) => ({ name: l.name, doc: l.priv, links: l.links }));
		return { anon: anon.document!, lanes, sources, close };
	} catch (error) {
		await close();
		throw error;
	}
}

/**
 * Makes every note written in round `roundId` what its author chose: shared
 * notes move to their lane (where their author put them, if that is free;
 * else the nearest free place), the others become anonymous or private in
 * their private document. Synchronous, so all of them change in one turn.
 */
export function revealNotes(lanes: readonly RevealLane[], roundId: string, now: number): void {
	for (const l of lanes) {
		const inRound: NoteId[] = [];
		notesMap(l.priv).forEach((note, id) => {
			if (note instanceof Y.Map && readPrivateState(note).round === roundId) inRound.push(id as NoteId);
		});
		for (const id of inRound) {
			const note = notesMap(l.priv).get(id) as Y.Map<unknown>;
			const { reveal } = readPrivateState(note);
			if (reveal === 'shared') {
				transferNote(l.priv, l.lane, id, { createdBy: l.member, at: now, kind: 'member' }, SERVER_ORIGIN);
			} else {
				l.priv.transact(() => {
					note.delete('round');
					note.set('visibility', reveal === 'anonymous' ? 'anonymous' : 'private');
					// Which round revealed it: the sharing round finds the round's anonymous notes by it. Only in the private document.
					if (reveal === 'anonymous') note.set(REVEALED_IN, roundId);
				}, SERVER_ORIGIN);
			}
		}
	}
}
