import i18next, { type TFunction } from 'i18next';
import type { Timeline } from './timeline.ts';
import type { MarkRecord } from './records.ts';
import type { StoredVote } from './storage/types.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import type { Framework, Localized } from '#lib/domain/frameworks.ts';
import { compareViews, laneMember, type Comparison, type NoteView } from '#lib/domain/history.ts';
import { nl } from '#lib/i18n/nl.ts';
import { en } from '#lib/i18n/en.ts';

export type ReportLanguage = 'nl' | 'en';

/** One end of a report's range: a mark, or a bare position in the log. */
export interface ReportMoment {
	readonly seq: number;
	readonly label: string;
	readonly at: number | null;
}

export interface BoardReport {
	readonly id: string;
	readonly name: string;
	readonly questions: readonly string[];
	/** The collective lane at the end of the range, in reading order. */
	readonly collective: readonly NoteView[];
	/** What changed in the collective lane over the range (and what was brought into it). */
	readonly changes: Comparison;
	/** Dot votes closed within the range, in order: the notes ranked by their totals (never who gave them). */
	readonly votes: readonly VoteReport[];
}

export interface VoteReport {
	readonly closedAt: number;
	readonly dots: number;
	/** Most dots first; `text` from the lane at the end of the range (null: the note was removed since). */
	readonly ranked: readonly { readonly noteId: string; readonly text: string | null; readonly total: number }[];
}

export interface Report {
	readonly practice: string;
	readonly language: ReportLanguage;
	readonly from: ReportMoment;
	readonly to: ReportMoment;
	readonly boards: readonly BoardReport[];
	/** Member id → name, for the authors of brought-in notes (shared lanes only). */
	readonly names: Readonly<Record<string, string>>;
}

const translators = new Map<ReportLanguage, TFunction>();
function translator(lang: ReportLanguage): TFunction {
	let t = translators.get(lang);
	if (!t) {
		const instance = i18next.createInstance();
		void instance.init({
			initAsync: false,
			lng: lang,
			fallbackLng: 'nl',
			resources: { nl: { translation: nl }, en: { translation: en } },
			interpolation: { escapeValue: false },
			showSupportNotice: false
		});
		t = instance.t;
		translators.set(lang, t);
	}
	return t;
}

/** A meeting's range: from its start to its end (or now, while it runs). */
export function meetingRange(marks: readonly MarkRecord[], meetingId: string): { from: MarkRecord; to: MarkRecord | null } | null {
	const from = marks.find((m) => m.meetingId === meetingId && m.kind === 'meeting-start');
	if (!from) return null;
	return { from, to: marks.find((m) => m.meetingId === meetingId && m.kind === 'meeting-end') ?? null };
}

/**
 * How each board's collective lane evolved between two moments: what it holds
 * at the end, and what was added, changed, removed and brought in. Shows what
 * every member may see (the timeline's rules).
 */
export async function buildReport(
	timeline: Pick<Timeline, 'view'>,
	practice: { id: PracticeId; name: string; framework: Framework },
	from: ReportMoment,
	to: ReportMoment,
	names: ReadonlyMap<string, string>,
	language: ReportLanguage,
	votes: readonly StoredVote[] = []
): Promise<Report> {
	// A vote belongs to the range when it closed within it; a bare log position has no time and bounds nothing.
	const inRange = (v: StoredVote) => v.closedAt !== null && v.result !== null && (from.at === null || v.closedAt >= from.at) && (to.at === null || v.closedAt <= to.at);
	const pick = (text: Localized) => text[language];
	const boards: BoardReport[] = [];
	for (const aspect of boardsOf(practice.framework)) {
		const [a, b] = await Promise.all([
			timeline.view(practice.id, aspect.id as BoardId, from.seq),
			timeline.view(practice.id, aspect.id as BoardId, to.seq)
		]);
		const all = compareViews(a, b);
		const collective = (n: NoteView) => n.lane === 'collective';
		const texts = new Map(b.notes.filter(collective).map((n) => [n.id, n.text]));
		const boardVotes = votes
			.filter((v) => v.boardId === aspect.id && inRange(v))
			.map((v) => ({ closedAt: v.closedAt!, dots: v.dots, ranked: v.result!.map((r) => ({ ...r, text: texts.get(r.noteId) ?? null })) }));
		boards.push({
			id: aspect.id,
			name: pick(aspect.name),
			questions: aspect.questions.map(pick),
			collective: b.notes.filter(collective).sort((x, y) => x.y - y.y || x.x - y.x),
			changes: {
				...all,
				added: all.added.filter(collective),
				removed: all.removed.filter(collective),
				changed: all.changed.filter((c) => collective(c.after)),
				movedLanes: all.movedLanes.filter((m) => m.to === 'collective' || m.from === 'collective')
			},
			votes: boardVotes
		});
	}
	return { practice: practice.name, language, from, to, boards, names: Object.fromEntries(names) };
}

/** Markdown text, escaped so that what people wrote stays text. */
export function escapeMarkdown(text: string): string {
	return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1').replace(/\n+/g, ' ');
}

export function reportMarkdown(report: Report): string {
	const t = translator(report.language);
	const e = escapeMarkdown;
	const moment = (m: ReportMoment) => (m.at ? `${m.label} (${new Date(m.at).toISOString().slice(0, 16).replace('T', ' ')} UTC)` : m.label);
	const author = (n: NoteView | { ref: string }) => {
		if ('ref' in n) return t('report.someone');
		if (n.lane === 'anonymous') return t('report.anonymous');
		const member = laneMember(n.lane);
		return member ? (report.names[member] || t('report.someone')) : t('report.someone');
	};
	const out: string[] = [`# ${e(report.practice)}`, '', `_${t('report.range', { from: e(moment(report.from)), to: e(moment(report.to)) })}_`, ''];
	for (const board of report.boards) {
		out.push(`## ${e(board.name)}`, '');
		for (const q of board.questions) out.push(`### ${e(q)}`, '');
		const { added, changed, removed, broughtIn } = board.changes;
		const isNew = new Set(added.map((n) => n.id));
		const isChanged = new Set(changed.filter((c) => c.text.length).map((c) => c.after.id));
		out.push(`**${t('report.collective')}** (${board.collective.length})`, '');
		if (board.collective.length === 0) out.push(`_${t('report.empty')}_`, '');
		for (const n of board.collective) {
			const tag = isNew.has(n.id) ? ` _(${t('report.new')})_` : isChanged.has(n.id) ? ` _(${t('report.changed')})_` : '';
			out.push(`- ${e(n.text) || '…'}${tag}`);
		}
		if (board.collective.length) out.push('');
		const textChanges = changed.filter((c) => c.text.length);
		if (textChanges.length) {
			out.push(`**${t('report.changes')}**`, '');
			for (const c of textChanges) {
				const diff = c.text.map((part) => (part.added ? `**${e(part.value)}**` : part.removed ? `~~${e(part.value)}~~` : e(part.value))).join('');
				out.push(`- ${diff}`);
			}
			out.push('');
		}
		if (broughtIn.length) {
			out.push(`**${t('report.broughtIn')}**`, '');
			for (const b of broughtIn) {
				const sources = b.sources.map((s) => ('ref' in s ? t('report.someone') : `“${e(s.text)}” (${e(author(s))})`)).join('; ');
				out.push(`- ${e(b.collective.text) || '…'} ← ${sources}`);
			}
			out.push('');
		}
		if (removed.length) {
			out.push(`**${t('report.removed')}**`, '');
			for (const n of removed) out.push(`- ~~${e(n.text) || '…'}~~`);
			out.push('');
		}
		for (const vote of board.votes) {
			out.push(`**${t('report.vote', { when: e(new Date(vote.closedAt).toISOString().slice(0, 16).replace('T', ' ')) })}**`, '');
			if (vote.ranked.length === 0) out.push(`_${t('report.noDots')}_`, '');
			vote.ranked.forEach((r, i) => out.push(`${i + 1}. ${r.text === null ? `_${t('report.removedNote')}_` : e(r.text) || '…'} — ${t('vote.dots', { count: r.total })}`));
			if (vote.ranked.length) out.push('');
		}
	}
	return out.join('\n');
}
