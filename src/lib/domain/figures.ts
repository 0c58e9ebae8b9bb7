/**
 * The group's work at a glance, as plain data: figures per board and chapter
 * (notes, bring-ins, activity, the dialogue questions worked on), the gaps in
 * the coverage of the framework, and the lineage of a collective note. Built
 * on the server (server/figures.ts) from the update log, drawn by the overview
 * and the report. No Yjs here.
 *
 * A *chapter* is the stretch of the log that leads up to the end of a meeting:
 * from the previous meeting's end (the time between meetings) through the
 * meeting itself. Work after the last meeting ended is one more chapter.
 */

/** A chapter of the practice: meeting `index` (1-based), or the time after the last meeting (`meetingId` null). */
export interface Chapter {
	readonly index: number;
	/** The meeting's title as typed; empty for the time after the last meeting, or when there are no meetings. */
	readonly title: string;
	readonly meetingId: string | null;
	/** Log positions: the chapter holds entries after `from` up to and including `to` (null: up to now). */
	readonly from: number;
	readonly to: number | null;
	/** Where the meeting started: entries after it (up to `to`) happened during the meeting. Null: no meeting in this chapter. */
	readonly start: number | null;
}

/** A chapter's figures for one board. Counts of notes, never of keystrokes. */
export interface ChapterFigures {
	/** Notes in the collective lane at the chapter's end. */
	readonly collective: number;
	/** Individual notes the group may see (members' shared lanes and the anonymous lane) at the chapter's end. */
	readonly individual: number;
	/** Citations added to collective notes in the chapter: of members' shared notes, and of anonymous notes. */
	readonly broughtIn: { readonly members: number; readonly anonymous: number };
	/** Notes changed (created, written, moved, removed) during the meeting, and between meetings before it. */
	readonly changed: { readonly during: number; readonly between: number };
	/** Notes changed in the chapter at all (a note changed both between and during counts once). */
	readonly touched: number;
	/** Per dialogue question of the aspect: notes tied to it that were changed in the chapter. */
	readonly questions: readonly number[];
	/**
	 * The viewer's own figures, sent only to that member: their shared notes at the
	 * chapter's end, those brought in, and the notes they changed during and between
	 * meetings. Never anything of the anonymous lane.
	 */
	readonly mine?: { readonly notes: number; readonly broughtIn: number; readonly during: number; readonly between: number };
}

export interface BoardFigures {
	readonly board: string;
	/** How many dialogue questions the aspect has. */
	readonly questions: number;
	/** One per chapter, in the order of `Figures.chapters`. */
	readonly chapters: readonly ChapterFigures[];
}

export interface Figures {
	readonly chapters: readonly Chapter[];
	readonly boards: readonly BoardFigures[];
	/** The log position the figures are up to. */
	readonly head: number;
}

/** The marks the chapters are cut from (a meeting's start and end). */
export interface MeetingMark {
	readonly kind: string;
	readonly seq: number;
	readonly name: string;
	readonly meetingId: string | null;
}

/**
 * The chapters of a practice from its meeting marks: one per meeting (the time
 * since the previous meeting's end, then the meeting), and one for the time
 * after the last meeting that ended. Without meetings, one chapter of everything.
 */
export function chaptersOf(marks: readonly MeetingMark[]): Chapter[] {
	const starts = marks.filter((m) => m.kind === 'meeting-start' && m.meetingId).sort((a, b) => a.seq - b.seq);
	const out: Chapter[] = [];
	let from = 0;
	for (const start of starts) {
		const end = marks.find((m) => m.kind === 'meeting-end' && m.meetingId === start.meetingId);
		out.push({ index: out.length + 1, title: start.name, meetingId: start.meetingId, from, to: end ? Math.max(end.seq, start.seq) : null, start: start.seq });
		if (!end) return out;
		from = Math.max(end.seq, start.seq);
	}
	out.push({ index: out.length + 1, title: '', meetingId: null, from, to: null, start: null });
	return out;
}

/** The chapter a log position falls in (its index into `chapters`), and whether it was during the meeting. */
export function chapterAt(chapters: readonly Chapter[], seq: number): { readonly chapter: number; readonly during: boolean } {
	let lo = 0;
	let hi = chapters.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		const to = chapters[mid].to;
		if (to !== null && seq > to) lo = mid + 1;
		else hi = mid;
	}
	const c = chapters[lo];
	return { chapter: lo, during: c.start !== null && seq > c.start };
}

/** A stretch of the log: entries after `from` up to and including `to` (null: up to now). */
export interface LogRange {
	readonly from: number;
	readonly to: number | null;
}

/**
 * The chapters cut at a range's ends, so that each one lies wholly inside the
 * range or wholly outside it; together they still cover the whole log (for
 * `chapterAt`). `inside` lists, in order, the indexes of those inside. A piece
 * keeps its chapter's `index`; a piece with no part of the meeting in it (the
 * time after the previous meeting) has no meeting.
 */
export function cutChapters(chapters: readonly Chapter[], range: LogRange): { chapters: Chapter[]; inside: number[] } {
	const out: Chapter[] = [];
	const inside: number[] = [];
	for (const c of chapters) {
		const cuts = [range.from, range.to].filter((at): at is number => at !== null && at > c.from && (c.to === null || at < c.to));
		const bounds = [c.from, ...new Set(cuts), c.to];
		for (let k = 0; k + 1 < bounds.length; k++) {
			const from = bounds[k]!;
			const to = bounds[k + 1];
			const start = c.start === null || (to !== null && c.start >= to) ? null : Math.max(c.start, from);
			const piece: Chapter = start === null && c.start !== null ? { ...c, title: '', meetingId: null, from, to, start } : { ...c, from, to, start };
			if (from >= range.from && (range.to === null || (to !== null && to <= range.to))) inside.push(out.length);
			out.push(piece);
		}
	}
	return { chapters: out, inside };
}

/** A gap in the coverage: an aspect, or one of its questions, not worked on lately or not at all. */
export interface Gap {
	readonly board: string;
	/** Null for the aspect as a whole. */
	readonly question: number | null;
	/** The `index` of the last chapter it was worked on; null: never. */
	readonly since: number | null;
}

/**
 * What the coverage map points out: an aspect nobody changed a note of in the
 * latest chapter that had any work (or never), and, of the aspects worked on,
 * the questions no note was ever tied to.
 */
export function gapsOf(figures: Figures): Gap[] {
	const active = figures.chapters.map((_, i) => figures.boards.some((b) => b.chapters[i]?.touched > 0));
	const latest = active.lastIndexOf(true);
	if (latest < 0) return [];
	const out: Gap[] = [];
	for (const b of figures.boards) {
		const last = b.chapters.findLastIndex((c) => c.touched > 0);
		if (last < latest) out.push({ board: b.board, question: null, since: last < 0 ? null : figures.chapters[last].index });
		if (last < 0) continue;
		for (let q = 0; q < b.questions; q++) {
			if (!b.chapters.some((c) => (c.questions[q] ?? 0) > 0)) out.push({ board: b.board, question: q, since: null });
		}
	}
	return out;
}

/** Who took a step in a note's history, as far as the viewer may know. */
export type StepAuthor = { readonly memberId: string; readonly name: string } | 'anonymous' | null;

/** One step in the life of a collective note: edits by one person close together are one step. */
export interface LineageStep {
	readonly kind: 'created' | 'edited' | 'brought-in' | 'removed';
	/** Log positions of its first and last change; the board timeline opens at `seq`. */
	readonly from: number;
	readonly seq: number;
	/** Null for steps of anonymous notes: their time could point at their author. */
	readonly at: number | null;
	readonly by: StepAuthor;
	readonly chapter: number;
	readonly during: boolean;
	/** For a bring-in: the index of its source in `Lineage.sources`. */
	readonly source?: number;
}

/** An individual note a collective note grew from. */
export interface LineageSource {
	readonly ref: string;
	readonly kind: 'member' | 'anonymous';
	/** The member whose shared note it is; null for anonymous notes and members who left. */
	readonly name: string | null;
	/** Its text now; null when it is gone. */
	readonly text: string | null;
}

export interface Lineage {
	readonly id: string;
	readonly text: string | null;
	readonly sources: readonly LineageSource[];
	readonly steps: readonly LineageStep[];
	readonly chapters: readonly Chapter[];
}

/** Edits of a note by one person with less than this between them are one step. */
export const STEP_PAUSE_MS = 5 * 60_000;
