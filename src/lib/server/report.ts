import { error } from '@sveltejs/kit';
import type { Zwerm } from '#server/zwerm.ts';
import type { PracticeRecord } from '#server/records.ts';
import { buildReport, meetingRange, type Report, type ReportLanguage, type ReportMoment } from '#server/report.ts';
import { translator } from '#server/report-markdown.ts';
import type { StoryVote } from '#server/story.ts';
import { figuresMarkdown } from '#server/figures-report.ts';
import { boardsOf, findBoard } from '#lib/domain/practice.ts';
import { isRandomId, type BoardId } from '#lib/domain/ids.ts';
import type { Figures } from '#lib/domain/figures.ts';

/**
 * The report a query asks for:
 * - the range: `?meeting=<id>` (its start to its end; repeated, from the
 *   first one's start to the last one's end), or `?from=&to=` as mark ids or
 *   log positions (default: the beginning to now);
 * - `?board=<id>`: one board (default: every board of the framework).
 */
export async function reportFor(zwerm: Zwerm, practice: PracticeRecord, url: URL, language: ReportLanguage): Promise<Report> {
	const t = translator(language);
	const marks = await zwerm.meetings.listMarks(practice.id);
	const head = await zwerm.storage.log.headSeq();
	const now: ReportMoment = { seq: head, label: t('report.untilNow'), at: Date.now() };
	const opened = (title: string) => t('report.startOf', { title });
	const ended = (title: string) => t('report.endOf', { title });
	const moment = (raw: string | null, fallback: ReportMoment): ReportMoment => {
		if (raw === null || raw === '') return fallback;
		if (/^\d{1,15}$/.test(raw)) {
			const seq = Number(raw);
			return seq === 0 ? { seq: 0, label: t('report.wholePractice'), at: null } : { seq: Math.min(seq, head), label: `#${seq}`, at: null };
		}
		const mark = isRandomId(raw) ? marks.find((m) => m.id === raw) : undefined;
		if (!mark) error(404, { message: 'No such moment on the timeline.', code: 'not-found' });
		// A framework mark's name is the change as JSON (framework-change.ts), not words.
		const label =
			mark.kind === 'meeting-start' ? opened(mark.name) : mark.kind === 'meeting-end' ? ended(mark.name) : mark.kind === 'framework' ? t('history.marks.framework') : mark.name;
		return { seq: mark.seq, label, at: mark.at };
	};
	let from: ReportMoment;
	let to: ReportMoment;
	const meetings = url.searchParams.getAll('meeting').filter(Boolean);
	if (meetings.length) {
		const ranges = meetings.map((id) => {
			const range = isRandomId(id) ? meetingRange(marks, id) : null;
			if (!range) error(404, { message: 'No such meeting.', code: 'not-found' });
			return range;
		});
		ranges.sort((a, b) => a.from.seq - b.from.seq || a.from.at - b.from.at);
		const first = ranges[0];
		const last = ranges.at(-1)!;
		from = { seq: first.from.seq, label: opened(first.from.name), at: first.from.at };
		to = ranges.some((r) => r.to === null) ? now : { seq: last.to!.seq, label: ended(last.to!.name), at: last.to!.at };
	} else {
		from = moment(url.searchParams.get('from'), { seq: 0, label: t('report.wholePractice'), at: null });
		to = moment(url.searchParams.get('to'), now);
	}
	if (to.seq < from.seq) error(400, { message: 'The end of the range is before its start.', code: 'invalid-request' });
	const boardParam = url.searchParams.get('board');
	let board: BoardId | null = null;
	if (boardParam) {
		if (!practice.framework || !findBoard(practice.framework, boardParam as BoardId)) error(404, { message: 'No such board.', code: 'not-found' });
		board = boardParam as BoardId;
	}
	const votes = closedVotes(await zwerm.storage.records.votes.list(practice.id), marks);
	return buildReport({ reader: zwerm.reader, log: zwerm.storage.log }, practice, from, to, { language, marks, board, votes });
}

/**
 * Closed votes where the story needs them: at their `vote` mark's place in
 * the log. Each close makes one mark on its board, so the n-th vote closed on
 * a board is that board's n-th vote mark. Totals only, never who voted.
 */
export function closedVotes(
	votes: readonly { readonly boardId: string; readonly closedAt: number | null; readonly result: readonly { noteId: string; total: number }[] | null }[],
	marks: readonly { readonly kind: string; readonly boardId: string | null; readonly seq: number; readonly at: number }[]
): StoryVote[] {
	const out: StoryVote[] = [];
	for (const boardId of new Set(votes.map((v) => v.boardId))) {
		const closed = votes.filter((v) => v.boardId === boardId && v.closedAt !== null && v.result).sort((a, b) => a.closedAt! - b.closedAt!);
		const placed = marks.filter((m) => m.kind === 'vote' && m.boardId === boardId).sort((a, b) => a.seq - b.seq || a.at - b.at);
		closed.forEach((vote, i) => {
			const mark = placed[i];
			if (mark) out.push({ boardId, seq: mark.seq, at: mark.at, ranked: vote.result!.map((r) => ({ noteId: r.noteId, votes: r.total })) });
		});
	}
	return out;
}

/**
 * The report's figures and coverage map: the group's figures only (computed
 * without a viewer, so no one's own series is in them), of the chapters
 * inside the report's range and of the report's board when it has one.
 */
export async function reportFigureData(zwerm: Zwerm, practice: PracticeRecord, report: Report): Promise<Figures | null> {
	if (!practice.framework) return null;
	const all = await zwerm.figures.figures(practice.id, null, { from: report.from.seq, to: report.to.seq });
	return report.board ? { ...all, boards: all.boards.filter((b) => b.board === report.board) } : all;
}

/** The same as Markdown tables (`reportFigureData`). */
export async function reportFigures(zwerm: Zwerm, practice: PracticeRecord, report: Report): Promise<string> {
	const figures = await reportFigureData(zwerm, practice, report);
	return figures && practice.framework ? figuresMarkdown(figures, boardsOf(practice.framework), report.language) : '';
}
