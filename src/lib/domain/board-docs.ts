import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from './docnames.ts';
import type { BoardId, MemberId, PracticeId } from './ids.ts';
import { parseCitationRef, type CitationRef } from './notes.ts';
import { laneOwners, type MemberInfo } from './practice.ts';
import { memberLane, type LaneKey } from './history.ts';
import { dayOf } from './visibility.ts';

/**
 * A board's documents, and who reads each: the one list every reader of a
 * board starts from (the live board, history, export, counts).
 *
 * - `collective`: the group's lane; every member reads it.
 * - `anonymous`: anonymous notes, written by the server; every member reads it, without author or time.
 * - `lane`: a member's shared notes; every member reads it.
 * - `private`: a member's private notes (and anonymous ones before the server copies them); only that member.
 */
export type BoardDocument =
	| { readonly kind: 'collective'; readonly name: string; readonly lane: 'collective'; readonly owner: null }
	| { readonly kind: 'anonymous'; readonly name: string; readonly lane: 'anonymous'; readonly owner: null }
	| { readonly kind: 'lane'; readonly name: string; readonly lane: LaneKey; readonly owner: MemberInfo }
	| { readonly kind: 'private'; readonly name: string; readonly lane: null; readonly owner: MemberInfo };

/**
 * Every document of a board, in reading order: the collective lane, the
 * anonymous notes, then per lane owner (also members who became observers or
 * left with their lane kept) their shared lane and their private document.
 */
export function boardDocuments(practiceId: PracticeId, boardId: BoardId, members: readonly MemberInfo[]): BoardDocument[] {
	const out: BoardDocument[] = [
		{ kind: 'collective', name: collectiveDoc(practiceId, boardId), lane: 'collective', owner: null },
		{ kind: 'anonymous', name: anonymousDoc(practiceId, boardId), lane: 'anonymous', owner: null }
	];
	for (const owner of laneOwners(members)) {
		out.push({ kind: 'lane', name: laneDoc(practiceId, boardId, owner.id), lane: memberLane(owner.id), owner });
		out.push({ kind: 'private', name: privateDoc(practiceId, boardId, owner.id), lane: null, owner });
	}
	return out;
}

/** The documents every member of the practice may read. */
export const groupDocuments = (docs: readonly BoardDocument[]) =>
	docs.filter((d): d is Exclude<BoardDocument, { kind: 'private' }> => d.kind !== 'private');

/** A stretch of time, ms since the epoch: from inclusive, to exclusive. */
export interface Span {
	readonly from: number;
	readonly to: number;
}

const DAY = 86_400_000;

/**
 * The part of `span` in which notes of a board document may be counted for
 * someone other than their author (a facilitator's contribution counts).
 * A document the group reads: all of it, its notes carry their author's
 * name anyway. A private document: only the whole days it touches, as
 * anonymous notes are dated, and only those over by `now`. A count that
 * moved at once would point at the anonymous note appearing, changing or
 * disappearing at that moment; a span cut where someone chose would too.
 * An empty span (`from >= to`) counts nothing.
 */
export function countableSpan(doc: BoardDocument, span: Span, now: number): Span {
	if (doc.kind !== 'private') return span;
	return { from: dayOf(span.from), to: Math.min(dayOf(span.to + DAY - 1), dayOf(now)) };
}

/**
 * The visibility rule for anything shown to the group about a board, in one
 * place: an individual note that is private or anonymous *now* is left out,
 * also of a shared lane's past (it may have been shared once: showing it would
 * link an anonymous note to its author), and so is every citation of it
 * (which would name its author beside its text).
 */
export class HiddenNotes {
	/** Member id → ids of that member's notes that are private or anonymous now. */
	private readonly byMember: ReadonlyMap<string, ReadonlySet<string>>;

	constructor(byMember: ReadonlyMap<string, ReadonlySet<string>>) {
		this.byMember = byMember;
	}

	/** The hidden note ids of one lane (none for the collective and anonymous lanes). */
	ofLane(lane: LaneKey): ReadonlySet<string> {
		return lane.startsWith('lane:') ? (this.byMember.get(lane.slice(5)) ?? EMPTY) : EMPTY;
	}

	has(lane: LaneKey, noteId: string): boolean {
		return this.ofLane(lane).has(noteId);
	}

	/** Whether a citation may be shown: it cites a shared, collective or anonymous note. */
	mayCite(ref: CitationRef): boolean {
		const c = parseCitationRef(ref);
		return !c?.memberId || !this.byMember.get(c.memberId as MemberId)?.has(c.noteId);
	}

	/** The citations that may be shown, in their order. */
	visibleCites(cites: readonly CitationRef[]): readonly CitationRef[] {
		return cites.every((ref) => this.mayCite(ref)) ? cites : cites.filter((ref) => this.mayCite(ref));
	}
}

const EMPTY: ReadonlySet<string> = new Set();
