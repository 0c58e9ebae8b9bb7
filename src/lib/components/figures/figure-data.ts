import type { Aspect } from '#lib/domain/frameworks.ts';
import { gapsOf, type Chapter, type Figures } from '#lib/domain/figures.ts';
import { loc, t } from '#lib/i18n/index.svelte.ts';

/**
 * The figures as rows for the charts and as sentences for their text
 * summaries. `mine` appears only where the server sent the viewer's own figures.
 */

/** A chapter's short axis label (B1, B2, …, daarna) and its full name. */
export function chapterLabels(chapters: readonly Chapter[]): { short: string; long: string }[] {
	return chapters.map((c) => {
		if (c.meetingId) return { short: t('figures.meeting', { n: c.index }), long: t('figures.chapterTitle', { n: c.index, title: c.title }) };
		if (c.index === 1) return { short: t('figures.all'), long: t('figures.chapterAll') };
		return { short: t('figures.after'), long: t('figures.chapterAfter', { n: c.index - 1 }) };
	});
}

/** The chapters worth showing: every meeting, and the time after the last one only once something happened in it. */
export function shownChapters(f: Figures): number[] {
	return f.chapters
		.map((c, i) => i)
		.filter((i) => f.chapters[i].meetingId || i === 0 || f.boards.some((b) => b.chapters[i].touched > 0 || b.chapters[i].broughtIn.members + b.chapters[i].broughtIn.anonymous > 0));
}

export interface NoteRow {
	readonly aspect: string;
	readonly fx: number;
	readonly fy: number;
	readonly chapter: string;
	readonly series: string;
	readonly count: number;
}

export function noteRows(f: Figures, aspects: readonly Aspect[], cols: number): NoteRow[] {
	const labels = chapterLabels(f.chapters);
	const rows: NoteRow[] = [];
	f.boards.forEach((b, k) => {
		const aspect = loc(aspects.find((a) => a.id === b.board)?.name) || b.board;
		for (const i of shownChapters(f)) {
			const c = b.chapters[i];
			const base = { aspect, fx: k % cols, fy: Math.floor(k / cols), chapter: labels[i].short };
			rows.push({ ...base, series: t('figures.collective'), count: c.collective });
			rows.push({ ...base, series: t('figures.individual'), count: c.individual });
			if (c.mine) rows.push({ ...base, series: t('figures.mine'), count: c.mine.notes });
		}
	});
	return rows;
}

const aspectName = (aspects: readonly Aspect[], board: string) => loc(aspects.find((a) => a.id === board)?.name) || board;

/** The notes chart in a sentence: over every aspect, or naming the one board the figures are of (a one-board report). */
export function notesSummary(f: Figures, aspects: readonly Aspect[]): string {
	const shown = shownChapters(f);
	const last = shown[shown.length - 1];
	const sum = (key: 'collective' | 'individual') => f.boards.reduce((n, b) => n + b.chapters[last][key], 0);
	const chapter = chapterLabels(f.chapters)[last].long;
	if (f.boards.length === 1) return t('figures.notesSummaryBoard', { chapter, board: aspectName(aspects, f.boards[0].board), collective: sum('collective'), individual: sum('individual') });
	const top = [...f.boards].sort((a, b) => b.chapters[last].collective - a.chapters[last].collective)[0];
	return t('figures.notesSummary', { chapter, collective: sum('collective'), individual: sum('individual'), top: top ? aspectName(aspects, top.board) : '–' });
}

/** The notes chart's label for screen readers: one board's chart names it. */
export function notesLabel(f: Figures, aspects: readonly Aspect[]): string {
	return f.boards.length === 1 ? t('figures.notesLabelBoard', { board: aspectName(aspects, f.boards[0].board) }) : t('figures.notesLabel');
}

export interface BarRow {
	readonly chapter: string;
	readonly series: string;
	readonly count: number;
}

export function broughtInRows(f: Figures): BarRow[] {
	const labels = chapterLabels(f.chapters);
	const rows: BarRow[] = [];
	for (const i of shownChapters(f)) {
		const sum = (pick: (c: Figures['boards'][number]['chapters'][number]) => number) => f.boards.reduce((n, b) => n + pick(b.chapters[i]), 0);
		const mine = sum((c) => c.mine?.broughtIn ?? 0);
		const chapter = labels[i].short;
		rows.push({ chapter, series: t('figures.fromMembers'), count: sum((c) => c.broughtIn.members) - mine });
		if (f.boards[0]?.chapters[i].mine) rows.push({ chapter, series: t('figures.fromMe'), count: mine });
		rows.push({ chapter, series: t('figures.anonymous'), count: sum((c) => c.broughtIn.anonymous) });
	}
	return rows;
}

export function broughtInSummary(f: Figures): string {
	const all = f.boards.flatMap((b) => b.chapters);
	const members = all.reduce((n, c) => n + c.broughtIn.members, 0);
	const anonymous = all.reduce((n, c) => n + c.broughtIn.anonymous, 0);
	const text = t('figures.broughtInSummary', { total: members + anonymous, members, anonymous });
	return all[0]?.mine ? `${text} ${t('figures.broughtInMine', { mine: all.reduce((n, c) => n + (c.mine?.broughtIn ?? 0), 0) })}` : text;
}

export function activityRows(f: Figures): { group: BarRow[]; mine: BarRow[] } {
	const labels = chapterLabels(f.chapters);
	const group: BarRow[] = [];
	const mine: BarRow[] = [];
	for (const i of shownChapters(f)) {
		const chapter = labels[i].short;
		const sum = (pick: (c: Figures['boards'][number]['chapters'][number]) => number) => f.boards.reduce((n, b) => n + pick(b.chapters[i]), 0);
		group.push({ chapter, series: t('figures.between'), count: sum((c) => c.changed.between) });
		group.push({ chapter, series: t('figures.during'), count: sum((c) => c.changed.during) });
		if (f.boards[0]?.chapters[i].mine) {
			mine.push({ chapter, series: t('figures.between'), count: sum((c) => c.mine?.between ?? 0) });
			mine.push({ chapter, series: t('figures.during'), count: sum((c) => c.mine?.during ?? 0) });
		}
	}
	return { group, mine };
}

export function activitySummary(f: Figures): string {
	const all = f.boards.flatMap((b) => b.chapters);
	const sum = (pick: (c: (typeof all)[number]) => number) => all.reduce((n, c) => n + pick(c), 0);
	const text = t('figures.activitySummary', { during: sum((c) => c.changed.during), between: sum((c) => c.changed.between) });
	return all[0]?.mine ? `${text} ${t('figures.activityMine', { during: sum((c) => c.mine?.during ?? 0), between: sum((c) => c.mine?.between ?? 0) })}` : text;
}

/** The coverage map's points of attention, as sentences. */
export function gapLines(f: Figures, aspects: readonly Aspect[]): string[] {
	return gapsOf(f).map((g) => {
		const aspect = aspects.find((a) => a.id === g.board);
		const name = loc(aspect?.name) || g.board;
		if (g.question !== null) return t('figures.gapQuestion', { aspect: name, question: loc(aspect?.questions[g.question]) });
		return g.since === null ? t('figures.gapNever', { aspect: name }) : t('figures.gapSince', { aspect: name, n: g.since });
	});
}
