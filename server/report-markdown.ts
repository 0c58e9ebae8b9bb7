import i18next, { type TFunction } from 'i18next';
import { nl } from '#lib/i18n/nl.ts';
import { en } from '#lib/i18n/en.ts';
import { bringInLine, chapterTitle, highlightsLine, summaryLine, type Translate } from '#lib/i18n/report-text.ts';
import type { Chapter, Report, ReportLanguage, ReportMoment } from '#lib/domain/story.ts';

const translators = new Map<ReportLanguage, TFunction>();
/** The catalogues in one language, for text the server writes. */
export function translator(lang: ReportLanguage): Translate {
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
	return t as unknown as Translate;
}

/** Markdown text, escaped so that what people wrote stays text. */
export function escapeMarkdown(text: string): string {
	return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1').replace(/\n+/g, ' ');
}

/** Changed words between Markdown markers, their surrounding spaces outside them (else Markdown does not read them as marked). */
function marked(marker: string, text: string): string {
	const [, lead, inner, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
	return inner ? `${lead}${marker}${escapeMarkdown(inner)}${marker}${trail}` : text;
}

/** A day in the reader's language ("5 januari 2026"). */
export function day(language: ReportLanguage, at: number | null): string {
	return at === null ? '' : new Intl.DateTimeFormat(language, { dateStyle: 'long' }).format(at);
}

function momentText(language: ReportLanguage, m: ReportMoment): string {
	return m.at ? `${m.label} (${new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short' }).format(m.at)})` : m.label;
}

function chapterHeading(t: Translate, language: ReportLanguage, c: Chapter): string {
	const title = chapterTitle(t, c);
	return c.kind === 'meeting' && c.startedAt ? `${title} · ${day(language, c.startedAt)}` : title;
}

/** The report as Markdown: the same content as the print page, in the report's language. */
export function reportMarkdown(report: Report, figures = ''): string {
	const t = translator(report.language);
	const e = escapeMarkdown;
	const out: string[] = [`# ${e(report.practice)}`, '', `_${e(t('report.range', { from: momentText(report.language, report.from), to: momentText(report.language, report.to) }))}_`, ''];
	const only = report.board ? (report.summary[0]?.name ?? report.unchanged[0]) : null;
	if (only) out.push(`_${e(t('report.onlyBoard', { board: only }))}_`, '');

	out.push(`## ${e(t('report.summary'))}`, '');
	for (const b of report.summary) {
		const highlights = highlightsLine(t, b.highlights);
		out.push(`**${e(b.name)}**: ${e(summaryLine(t, b.counts))}${highlights ? ` ${e(highlights)}` : ''}`, '');
	}
	if (report.unchanged.length) out.push(`_${e(t('report.unchanged', { boards: report.unchanged.join(', ') }))}_`, '');
	// The group's figures and the coverage map (figures-report.ts), right after the summary, as on the print page.
	if (figures) out.push(figures.trimEnd(), '');

	for (const { chapter, boards } of report.chapters) {
		out.push(`## ${e(chapterHeading(t, report.language, chapter))}`, '');
		if (boards.length === 0) out.push(`_${e(t('report.nothing'))}_`, '');
		for (const b of boards) {
			out.push(`### ${e(b.name)}`, '');
			const list = (heading: string, lines: readonly string[]) => {
				if (lines.length === 0) return;
				out.push(`**${e(heading)}**`, '', ...lines, '');
			};
			list(t('report.added'), b.added.map((n) => `- ${e(n.text) || '…'}`));
			list(
				t('report.rewritten'),
				b.rewritten.map((r) => `- ${r.diff.map((p) => (p.added ? marked('**', p.value) : p.removed ? marked('~~', p.value) : e(p.value))).join('')}`)
			);
			list(t('report.broughtIn'), b.broughtIn.map((x) => `- ${e(bringInLine(t, x))}`));
			list(t('report.removed'), b.removed.map((n) => `- ~~${e(n.text) || '…'}~~`));
			for (const vote of b.votes) list(t('report.votes'), vote.ranked.map((r, i) => `${i + 1}\\. ${e(t('report.voteLine', { count: r.votes, text: r.note.text }))}`));
		}
	}

	if (report.summary.length) {
		out.push(`## ${e(t('report.end'))}`, '');
		for (const b of report.summary) {
			out.push(`### ${e(b.name)}`, '');
			if (b.questions.length) out.push(`_${e(t('report.questions'))}_`, '', ...b.questions.map((q) => `- _${e(q)}_`), '');
			out.push(`**${e(t('report.collective'))}** (${e(t('report.notes', { count: b.collective.length }))})`, '');
			if (b.collective.length === 0) out.push(`_${e(t('report.empty'))}_`, '');
			else out.push(...b.collective.map((n) => `- ${e(n.text) || '…'}`), '');
		}
	}
	return out.join('\n');
}
