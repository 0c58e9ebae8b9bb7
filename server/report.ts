import type { BoardReader } from './board-reader.ts';
import type { MarkRecord } from './records.ts';
import type { DocumentLog } from './storage/types.ts';
import { boardStory, chaptersOf, type StoryVote } from './story.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import { allBoardsOf, isArchived } from '#lib/domain/practice.ts';
import type { Framework, Localized } from '#lib/domain/frameworks.ts';
import {
	isEmptyChapter,
	type BoardChapter,
	type BoardSummary,
	type ChapterReport,
	type Highlight,
	type Report,
	type ReportLanguage,
	type ReportMoment
} from '#lib/domain/story.ts';


/** How the report names a board whose aspect was removed from the framework. */
const ARCHIVED = { nl: 'gearchiveerd', en: 'archived' } as const;
export type { Report, ReportLanguage, ReportMoment } from '#lib/domain/story.ts';
export { reportMarkdown, escapeMarkdown } from './report-markdown.ts';

/** What a report reads: boards through the board reader (which documents, which notes are hidden now), their documents' log. */
export interface ReportSources {
	readonly reader: Pick<BoardReader, 'board'>;
	readonly log: DocumentLog;
}

export interface ReportOptions {
	readonly language: ReportLanguage;
	/** Every mark of the practice: meetings make the chapters. */
	readonly marks: readonly MarkRecord[];
	/** One board, or every board of the framework (null). */
	readonly board?: BoardId | null;
	/** Votes held (timeline marks of kind 'vote' with their ranked notes); each shows in the chapter it falls in. */
	readonly votes?: readonly StoryVote[];
}

/** A meeting's range: from its start to its end (or now, while it runs). */
export function meetingRange(marks: readonly MarkRecord[], meetingId: string): { from: MarkRecord; to: MarkRecord | null } | null {
	const from = marks.find((m) => m.meetingId === meetingId && m.kind === 'meeting-start');
	if (!from) return null;
	return { from, to: marks.find((m) => m.meetingId === meetingId && m.kind === 'meeting-end') ?? null };
}

/** How much of each kind a board's chapters hold. */
function countsOf(chapters: readonly BoardChapter[]): BoardSummary['counts'] {
	const sum = (f: (c: BoardChapter) => number) => chapters.reduce((n, c) => n + f(c), 0);
	return {
		added: sum((c) => c.added.length),
		rewritten: sum((c) => c.rewritten.length),
		removed: sum((c) => c.removed.length),
		broughtIn: sum((c) => c.broughtIn.length),
		votes: sum((c) => c.votes.length)
	};
}

/**
 * The most important changes of a board over the range, at most four: two
 * new notes that are still there at the end and were brought in from most
 * individual notes (then the longest), the rewrite that changed most words,
 * and a removal (of a note from before the range, if any).
 */
function highlightsOf(chapters: readonly BoardChapter[], end: ReadonlySet<string>): Highlight[] {
	const added = new Map<string, string>();
	const sources = new Map<string, number>();
	const addedInRange = new Set<string>();
	for (const c of chapters) {
		for (const n of c.added) {
			added.set(n.id, n.text);
			addedInRange.add(n.id);
		}
		for (const b of c.broughtIn) sources.set(b.into.id, (sources.get(b.into.id) ?? 0) + 1);
	}
	const lasting = [...added].filter(([id]) => end.has(id));
	lasting.sort(([a, at], [b, bt]) => (sources.get(b) ?? 0) - (sources.get(a) ?? 0) || bt.length - at.length);
	const out: Highlight[] = lasting.slice(0, 2).map(([, text]) => ({ kind: 'added', text }));
	const weight = (d: BoardChapter['rewritten'][number]) => d.diff.filter((p) => p.added || p.removed).reduce((n, p) => n + p.value.split(/\s+/).filter(Boolean).length, 0);
	const biggest = chapters.flatMap((c) => c.rewritten).sort((a, b) => weight(b) - weight(a))[0];
	if (biggest) out.push({ kind: 'rewritten', before: biggest.before, after: biggest.after });
	// A note that was there before the range counts first; else one that lived only within it.
	const removed = chapters.flatMap((c) => c.removed).sort((a, b) => Number(addedInRange.has(a.id)) - Number(addedInRange.has(b.id)))[0];
	if (removed) out.push({ kind: 'removed', text: removed.text });
	return out;
}

/**
 * The story of a range, for one board or all: a chapter per meeting (and the
 * time between meetings when something happened then), what each board's
 * collective lane gained and lost in it, a summary per board at the top, and
 * the boards that did not change named in one line. Each board's collective
 * log is walked once through the range. Shows what every member may see (the
 * board reader's rules).
 */
export async function buildReport(
	sources: ReportSources,
	practice: { id: PracticeId; name: string; framework: Framework },
	from: ReportMoment,
	to: ReportMoment,
	options: ReportOptions
): Promise<Report> {
	const { language, marks } = options;
	const pick = (text: Localized) => text[language];
	const chapters = chaptersOf(marks, from, to);
	// Archived boards too: over a range where they changed, their story stays in the report.
	const aspects = allBoardsOf(practice.framework).filter((a) => !options.board || a.id === options.board);
	const summary: BoardSummary[] = [];
	const unchanged: string[] = [];
	const perBoard: { id: string; name: string; story: BoardChapter[] }[] = [];
	for (const aspect of aspects) {
		const board = await sources.reader.board(practice.id, aspect.id as BoardId);
		const votes = (options.votes ?? []).filter((v) => v.boardId === aspect.id);
		const { chapters: story, end: collective } = await boardStory(sources.log, board, chapters, votes);
		const archived = isArchived(practice.framework, aspect.id);
		const name = archived ? `${pick(aspect.name)} (${ARCHIVED[language]})` : pick(aspect.name);
		if (story.every(isEmptyChapter)) {
			if (!archived) unchanged.push(name);
			continue;
		}
		perBoard.push({ id: aspect.id, name, story });
		summary.push({
			id: aspect.id,
			name,
			questions: aspect.questions.map(pick),
			counts: countsOf(story),
			highlights: highlightsOf(story, new Set(collective.map((n) => n.id))),
			collective
		});
	}
	const chapterReports: ChapterReport[] = [];
	chapters.forEach((chapter, i) => {
		const boards = perBoard.filter((b) => !isEmptyChapter(b.story[i])).map((b) => ({ id: b.id, name: b.name, ...b.story[i] }));
		// A meeting is a chapter even when nothing changed in it; the time between meetings only when something did.
		if (chapter.kind === 'meeting' || boards.length > 0) chapterReports.push({ chapter, boards });
	});
	return { practice: practice.name, language, from, to, board: options.board ?? null, summary, unchanged, chapters: chapterReports };
}
