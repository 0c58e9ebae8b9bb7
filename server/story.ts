import * as Y from 'yjs';
import { diffWords } from 'diff';
import type { DocumentLog } from './storage/types.ts';
import type { MarkRecord } from './records.ts';
import type { GroupBoard } from './board-reader.ts';
import { applyAndCollect, breather, docAt, notesOf, withoutHiddenCites } from './past.ts';
import { noteContent, notesMap, parseCitationRef, plainText, type CitationRef } from '#lib/domain/notes.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import type { NoteView } from '#lib/domain/history.ts';
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

/** The lane after a chapter: the notes it touched read again, the others as they were. */
function reread(doc: Y.Doc, before: ReadonlyMap<string, Snapshot>, touched: ReadonlySet<string>): Map<string, Snapshot> {
	const after = new Map(before);
	const notes = notesMap(doc);
	for (const id of touched) {
		const note = notes.get(id);
		if (!(note instanceof Y.Map)) {
			after.delete(id);
			continue;
		}
		const cites = note.get('cites');
		after.set(id, { text: plainText(noteContent(doc, id as NoteId)), cites: cites instanceof Y.Array ? (cites.toArray() as string[]) : [] });
	}
	return after;
}

const collator = new Intl.Collator('nl');
const byText = (a: { text: string }, b: { text: string }) => collator.compare(a.text, b.text);

/** The story of one board: its chapters, and its collective lane at the end of the range. */
export interface BoardStory {
	readonly chapters: BoardChapter[];
	readonly end: NoteView[];
}

/**
 * What the board's collective lane gained and lost in each chapter. The
 * collective document's log is read once and applied chapter by chapter (each
 * chapter's updates merged first: one apply per chapter, not per keystroke),
 * and the lane is compared with itself at each chapter's end.
 *
 * What a bring-in brought: for a collective note made in the chapter from its
 * first citation, the note's text; else the individual note as its lane had
 * it at the chapter's end (that lane is read only then).
 */
export async function boardStory(log: DocumentLog, board: GroupBoard, chapters: readonly Chapter[], votes: readonly StoryVote[] = []): Promise<BoardStory> {
	const name = board.documents.find((d) => d.kind === 'collective')!.name;
	const first = chapters[0].from;
	const last = chapters[chapters.length - 1].to;
	const doc = await docAt(log, name, first);
	// Define the root map before the first update does: else Yjs makes a plain type that notesMap replaces later.
	notesMap(doc);
	const entries = last > first ? await log.updatesBetween([name], first, last) : [];
	const names = new Map(board.members.map((m) => [m.id as string, m.name]));
	const laneOf = (memberId: string | null) =>
		board.documents.find((d) => (memberId ? d.kind === 'lane' && d.owner.id === memberId : d.kind === 'anonymous'))?.name ?? null;
	const breathe = breather();

	let before = snapshot(doc);
	let next = 0;
	const out: BoardChapter[] = [];
	for (const chapter of chapters) {
		const updates: Uint8Array[] = [];
		while (next < entries.length && entries[next].seq <= chapter.to) updates.push(entries[next++].data);
		const touched = updates.length ? applyAndCollect(doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)) : null;
		await breathe();
		const after = touched ? reread(doc, before, touched) : before;
		const added: StoryNote[] = [];
		const rewritten: Rewrite[] = [];
		const removed: StoryNote[] = [];
		const broughtIn: BringIn[] = [];
		/** Individual lanes as they were at the chapter's end, read when a bring-in needs one. */
		const lanes = new Map<string, Y.Doc>();
		const individualText = async (memberId: string | null, noteId: string): Promise<string | null> => {
			const lane = laneOf(memberId);
			if (!lane) return null;
			let laneDoc = lanes.get(lane);
			if (!laneDoc) lanes.set(lane, (laneDoc = await docAt(log, lane, chapter.to)));
			return notesMap(laneDoc).get(noteId) instanceof Y.Map ? plainText(noteContent(laneDoc, noteId as NoteId)) : null;
		};
		if (touched) {
			for (const id of touched) {
				const note = after.get(id);
				if (!note) {
					const gone = before.get(id);
					if (gone) removed.push({ id, text: gone.text });
					continue;
				}
				const old = before.get(id);
				if (!old) added.push({ id, text: note.text });
				else if (old.text !== note.text) rewritten.push({ id, before: old.text, after: note.text, diff: diffWords(old.text, note.text) });
				const had = new Set(old?.cites ?? []);
				for (const ref of board.hidden.visibleCites(note.cites.filter((c) => !had.has(c)) as CitationRef[])) {
					const cite = parseCitationRef(ref);
					if (!cite) continue;
					const from: BringInSource = cite.memberId ? { kind: 'member', name: names.get(cite.memberId) ?? '' } : { kind: 'anonymous' };
					const madeFromIt = !old && note.cites[0] === ref;
					broughtIn.push({ into: { id, text: note.text }, from, text: madeFromIt ? note.text : await individualText(cite.memberId, cite.noteId) });
				}
			}
		}
		for (const lane of lanes.values()) lane.destroy();
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
			rewritten: rewritten.sort((a, b) => collator.compare(a.after, b.after)),
			// Named sources by name, anonymous ones last, each by text: the order says nothing about when or by whom.
			broughtIn: broughtIn.sort(
				(a, b) =>
					Number(a.from.kind === 'anonymous') - Number(b.from.kind === 'anonymous') ||
					(a.from.kind === 'member' && b.from.kind === 'member' ? collator.compare(a.from.name, b.from.name) : 0) ||
					collator.compare(a.text ?? '', b.text ?? '') ||
					collator.compare(a.into.text, b.into.text)
			),
			removed: removed.sort(byText),
			votes: held
		});
		before = after;
	}
	// Without citations of notes hidden now, as everywhere in history: they would name the author beside the text.
	const end = notesOf(board, 'collective', doc)
		.map((n) => withoutHiddenCites(board, n))
		.sort((x, y) => x.y - y.y || x.x - y.x);
	doc.destroy();
	return { chapters: out, end };
}
