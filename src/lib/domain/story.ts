import type { ChangeObject } from 'diff';
import type { NoteView } from './history.ts';

/**
 * The story report's plain data (built by server/story.ts and server/report.ts,
 * rendered by the report page and as Markdown): per chapter — a meeting, or the
 * time between meetings — what each board's collective lane gained and lost.
 */

/** A stretch of the log: a meeting (start to end, or now while it runs), or the time between meetings. */
export interface Chapter {
	readonly kind: 'meeting' | 'between';
	/** The meeting's id; null for time between meetings. */
	readonly meetingId: string | null;
	/** The meeting's title as typed; null for time between meetings. */
	readonly title: string | null;
	/** For time between meetings: the meetings on either side (titles as typed), if any. */
	readonly before: string | null;
	readonly after: string | null;
	/** After log entry `from`, up to and including `to`. */
	readonly from: number;
	readonly to: number;
	/** When it started and ended (a meeting's marks); null where unknown. */
	readonly startedAt: number | null;
	readonly endedAt: number | null;
}

/** A note as the story tells it: its text, no author. */
export interface StoryNote {
	readonly id: string;
	readonly text: string;
}

export interface Rewrite {
	readonly id: string;
	readonly before: string;
	readonly after: string;
	/** Word diff (jsdiff `diffWords`). */
	readonly diff: readonly ChangeObject<string>[];
}

/** Who an individual note brought into the collective lane belongs to: a member's shared lane, or the anonymous lane (nobody). */
export type BringInSource = { readonly kind: 'member'; readonly name: string } | { readonly kind: 'anonymous' };

export interface BringIn {
	/** The collective note it went into. */
	readonly into: StoryNote;
	readonly from: BringInSource;
	/** The individual note's text at the end of the range; null when it is gone by then. */
	readonly text: string | null;
}

export interface VoteResult {
	readonly at: number | null;
	readonly ranked: readonly { readonly note: StoryNote; readonly votes: number }[];
}

/** What one board's collective lane gained and lost in one chapter. */
export interface BoardChapter {
	readonly added: readonly StoryNote[];
	readonly rewritten: readonly Rewrite[];
	readonly broughtIn: readonly BringIn[];
	readonly removed: readonly StoryNote[];
	/** Votes held in this chapter (timeline marks of kind 'vote'); empty when none. */
	readonly votes: readonly VoteResult[];
}

export const isEmptyChapter = (c: BoardChapter) =>
	c.added.length === 0 && c.rewritten.length === 0 && c.broughtIn.length === 0 && c.removed.length === 0 && c.votes.length === 0;

/** One end of a report's range: a mark, or a bare position in the log. */
export interface ReportMoment {
	readonly seq: number;
	readonly label: string;
	readonly at: number | null;
}

export type ReportLanguage = 'nl' | 'en';

export interface SummaryCounts {
	readonly added: number;
	readonly rewritten: number;
	readonly removed: number;
	readonly broughtIn: number;
	readonly votes: number;
}

export type Highlight =
	| { readonly kind: 'added'; readonly text: string }
	| { readonly kind: 'rewritten'; readonly before: string; readonly after: string }
	| { readonly kind: 'removed'; readonly text: string };

/** A board that changed in the range: how, in counts and its most important changes, and its collective lane at the end. */
export interface BoardSummary {
	readonly id: string;
	readonly name: string;
	readonly questions: readonly string[];
	readonly counts: SummaryCounts;
	readonly highlights: readonly Highlight[];
	/** The collective lane at the end of the range, in reading order. */
	readonly collective: readonly NoteView[];
}

export interface ChapterReport {
	readonly chapter: Chapter;
	/** The boards that changed in this chapter, in the framework's order. */
	readonly boards: readonly (BoardChapter & { readonly id: string; readonly name: string })[];
}

export interface Report {
	readonly practice: string;
	readonly language: ReportLanguage;
	readonly from: ReportMoment;
	readonly to: ReportMoment;
	/** The one board asked for, or null for all. */
	readonly board: string | null;
	/** Boards that changed in the range, in the framework's order. */
	readonly summary: readonly BoardSummary[];
	/** Names of the boards (asked for) that did not change in the range. */
	readonly unchanged: readonly string[];
	readonly chapters: readonly ChapterReport[];
}
