import * as Y from 'yjs';
import { diffWords } from 'diff';
import type { DocumentLog } from './storage/types.ts';
import type { MarkRecord } from './records.ts';
import type { GroupBoard } from './board-reader.ts';
import { breather, docAt } from './past.ts';
import { noteContent, notesMap, parseCitationRef, plainText, type CitationRef } from '#lib/domain/notes.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { citationOf, type NoteView } from '#lib/domain/history.ts';
import type { BoardChapter, BringIn, BringInSource, Chapter, Rewrite, StoryNote, VoteResult } from '#lib/domain/story.ts';

export type { BoardChapter, Chapter } from '#lib/domain/story.ts';

/**
 * The story of a range: what each board's collective lane gained and lost,
 * chapter by chapter (a meeting, or the time between two meetings). Computed
 * by walking the collective document's log once through the range, so a note
 * added in one meeting and removed in the next shows in both chapters, not
 * only in the net difference of the range's two ends.
 *
 * Privacy: only the collective lane is walked; bring-ins name a member for a
 * citation of their shared lane and say "anonymous" (no name, no time) for a
 * citation of the anonymous lane; citations of notes hidden now are left out
 * (the board reader's HiddenNotes), as everywhere in history.
 */

/** A vote held on a board: its mark's position, and the notes ranked with their totals. */
export interface StoryVote {
	readonly boardId: string;
	readonly seq: number;
	readonly at: number | null;
	readonly ranked: readonly { readonly noteId: string; readonly votes: number }[];
}

interface Snapshot {
	readonly text: string;
	readonly cites: readonly string[];
}

/** The `meeting-start` / `meeting-end` marks of a practice as meetings, in order. */
function meetingsOf(marks: readonly MarkRecord[]): { id: string; title: string; start: MarkRecord; end: MarkRecord | null }[] {
	const starts = marks.filter((m) => m.kind === 'meeting-start' && m.meetingId).sort((a, b) => a.seq - b.seq || a.at - b.at);
	return starts.map((start) => ({
		id: start.meetingId!,
		title: start.name,
		start,
		end: marks.find((m) => m.kind === 'meeting-end' && m.meetingId === start.meetingId) ?? null
	}));
}

/** A position with, where known, its time: marks at the same position are ordered by time. */
export interface RangeEnd {
	readonly seq: number;
	readonly at: number | null;
}

const atOrAfter = (a: RangeEnd, b: RangeEnd) => a.seq > b.seq || (a.seq === b.seq && (a.at === null || b.at === null || a.at >= b.at));

/**
 * The chapters of a range: each meeting that overlaps it (clipped to it), and
 * the stretches between them. Chapters follow each other without gaps, from
 * `from` to `to`.
 */
export function chaptersOf(marks: readonly MarkRecord[], from: RangeEnd, to: RangeEnd): Chapter[] {
	const meetings: Chapter[] = [];
	for (const m of meetingsOf(marks)) {
		const end: RangeEnd = m.end ?? { seq: Number.MAX_SAFE_INTEGER, at: null };
		const a = Math.max(m.start.seq, from.seq);
		const b = Math.min(end.seq, to.seq);
		const inside = atOrAfter(m.start, from) && atOrAfter(to, end);
		if (b < a || (b === a && !inside)) continue;
		meetings.push({ kind: 'meeting', meetingId: m.id, title: m.title, before: null, after: null, from: a, to: b, startedAt: m.start.at, endedAt: m.end?.at ?? null });
	}
	const out: Chapter[] = [];
	let cursor = from.seq;
	let previous: string | null = null;
	const between = (upTo: number, after: string | null) => {
		if (upTo > cursor) out.push({ kind: 'between', meetingId: null, title: null, before: previous, after, from: cursor, to: upTo, startedAt: null, endedAt: null });
	};
	for (const m of meetings) {
		between(m.from, m.title);
		out.push(m);
		cursor = Math.max(cursor, m.to);
		previous = m.title;
	}
	between(to.seq, null);
	if (out.length === 0) out.push({ kind: 'between', meetingId: null, title: null, before: null, after: null, from: from.seq, to: to.seq, startedAt: null, endedAt: null });
	return out;
}

/** Reads the collective lane: note id → text and citations. */
function snapshot(doc: Y.Doc): Map<string, Snapshot> {
	const out = new Map<string, Snapshot>();
	notesMap(doc).forEach((note, id) => {
		if (!(note instanceof Y.Map)) return;
		const cites = note.get('cites');
		out.set(id, { text: plainText(noteContent(doc, id as NoteId)), cites: cites instanceof Y.Array ? (cites.toArray() as string[]) : [] });
	});
	return out;
}

const byText = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text);

/**
 * What the board's collective lane gained and lost in each chapter. `end` is
 * the board at the end of the range (through the timeline, so with the
 * visibility rules applied): the texts of brought-in individual notes come
 * from it.
 */
export async function boardStory(
	log: DocumentLog,
	board: GroupBoard,
	chapters: readonly Chapter[],
	end: { readonly notes: readonly NoteView[] },
	votes: readonly StoryVote[] = []
): Promise<BoardChapter[]> {
	const name = board.documents.find((d) => d.kind === 'collective')!.name;
	const first = chapters[0].from;
	const last = chapters[chapters.length - 1].to;
	const doc = await docAt(log, name, first);
	// Define the root map before the first update does: else Yjs makes a plain type that notesMap replaces later.
	notesMap(doc);
	const entries = last > first ? await log.updatesBetween([name], first, last) : [];
	const individual = new Map<string, NoteView>();
	for (const n of end.notes) {
		const ref = citationOf(n);
		if (ref) individual.set(ref, n);
	}
	const names = new Map(board.members.map((m) => [m.id as string, m.name]));
	const breathe = breather();

	let before = snapshot(doc);
	let next = 0;
	const out: BoardChapter[] = [];
	for (const chapter of chapters) {
		let touched = false;
		while (next < entries.length && entries[next].seq <= chapter.to) {
			Y.applyUpdate(doc, entries[next++].data);
			touched = true;
			await breathe();
		}
		const after = touched ? snapshot(doc) : before;
		const added: StoryNote[] = [];
		const rewritten: Rewrite[] = [];
		const removed: StoryNote[] = [];
		const broughtIn: BringIn[] = [];
		if (touched) {
			for (const [id, note] of after) {
				const old = before.get(id);
				if (!old) added.push({ id, text: note.text });
				else if (old.text !== note.text) rewritten.push({ id, before: old.text, after: note.text, diff: diffWords(old.text, note.text) });
				const had = new Set(old?.cites ?? []);
				for (const ref of board.hidden.visibleCites(note.cites.filter((c) => !had.has(c)) as CitationRef[])) {
					const cite = parseCitationRef(ref);
					if (!cite) continue;
					const from: BringInSource = cite.memberId ? { kind: 'member', name: names.get(cite.memberId) ?? '' } : { kind: 'anonymous' };
					broughtIn.push({ into: { id, text: note.text }, from, text: individual.get(ref)?.text ?? null });
				}
			}
			for (const [id, note] of before) if (!after.has(id)) removed.push({ id, text: note.text });
		}
		const held = votes
			.filter((v) => v.seq > chapter.from && v.seq <= chapter.to)
			.map(
				(v): VoteResult => ({
					at: v.at,
					ranked: v.ranked.map((r) => ({ note: { id: r.noteId, text: after.get(r.noteId)?.text ?? '' }, votes: r.votes }))
				})
			);
		out.push({
			added: added.sort(byText),
			rewritten: rewritten.sort((a, b) => a.after.localeCompare(b.after)),
			// Named sources by name, anonymous ones last, each by text: the order says nothing about when or by whom.
			broughtIn: broughtIn.sort(
				(a, b) =>
					Number(a.from.kind === 'anonymous') - Number(b.from.kind === 'anonymous') ||
					(a.from.kind === 'member' && b.from.kind === 'member' ? a.from.name.localeCompare(b.from.name) : 0) ||
					(a.text ?? '').localeCompare(b.text ?? '') ||
					a.into.text.localeCompare(b.into.text)
			),
			removed: removed.sort(byText),
			votes: held
		});
		before = after;
	}
	doc.destroy();
	return out;
}
