import i18next, { type TFunction } from 'i18next';
import type { Aspect } from '#lib/domain/frameworks.ts';
import { gapsOf, type Figures } from '#lib/domain/figures.ts';
import { nl } from '#lib/i18n/nl.ts';
import { en } from '#lib/i18n/en.ts';

/**
 * The report's figures section as Markdown: the same data as the overview's
 * charts, as tables (a PDF or Markdown file has no charts), and the coverage
 * map with its gaps. Group figures only: pass figures computed without a
 * viewer (`FigureService.figures(practiceId, null)`), so no one's own series is in it.
 */
export function figuresMarkdown(figures: Figures, aspects: readonly Aspect[], language: 'nl' | 'en'): string {
	const t = translator(language);
	const name = (board: string) => aspects.find((a) => a.id === board)?.name[language] ?? board;
	const cell = (s: string) => s.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1').replace(/\n+/g, ' ');
	const shown = figures.chapters
		.map((_, i) => i)
		.filter((i) => figures.chapters[i].meetingId || i === 0 || figures.boards.some((b) => b.chapters[i].touched > 0));
	const label = (i: number) => {
		const c = figures.chapters[i];
		return c.meetingId ? t('figures.meeting', { n: c.index }) : c.index === 1 ? t('figures.all') : t('figures.after');
	};
	const head = (first: string) => [`| ${cell(first)} | ${shown.map(label).join(' | ')} |`, `|---|${shown.map(() => '---:').join('|')}|`];
	const out: string[] = [`## ${t('figures.title')}`, ''];
	for (const i of shown) {
		const c = figures.chapters[i];
		if (c.meetingId) out.push(`- ${label(i)}: ${cell(c.title)}`);
	}
	out.push('', `### ${t('figures.notesTitle')}`, '', ...head(t('figures.aspect')));
	for (const b of figures.boards) {
		out.push(`| ${cell(name(b.board))} | ${shown.map((i) => `${b.chapters[i].collective} / ${b.chapters[i].individual}`).join(' | ')} |`);
	}
	out.push('', `_${t('figures.collective')} / ${t('figures.individual')}_`, '');
	const sum = (i: number, pick: (c: Figures['boards'][number]['chapters'][number]) => number) => figures.boards.reduce((n, b) => n + pick(b.chapters[i]), 0);
	out.push(`### ${t('figures.broughtInTitle')}`, '', ...head(''));
	out.push(`| ${t('figures.fromMembers')} | ${shown.map((i) => sum(i, (c) => c.broughtIn.members)).join(' | ')} |`);
	out.push(`| ${t('figures.anonymous')} | ${shown.map((i) => sum(i, (c) => c.broughtIn.anonymous)).join(' | ')} |`, '');
	out.push(`### ${t('figures.activityTitle')}`, '', ...head(t('figures.axisChanged')));
	out.push(`| ${t('figures.between')} | ${shown.map((i) => sum(i, (c) => c.changed.between)).join(' | ')} |`);
	out.push(`| ${t('figures.during')} | ${shown.map((i) => sum(i, (c) => c.changed.during)).join(' | ')} |`, '');
	out.push(`### ${t('figures.coverageTitle')}`, '', ...head(t('figures.aspect')));
	for (const b of figures.boards) out.push(`| ${cell(name(b.board))} | ${shown.map((i) => b.chapters[i].touched).join(' | ')} |`);
	out.push('');
	const gaps = gapsOf(figures);
	if (gaps.length) {
		out.push(`**${t('figures.gaps')}**`, '');
		for (const g of gaps) {
			const aspect = name(g.board);
			const question = aspects.find((a) => a.id === g.board)?.questions[g.question ?? -1]?.[language] ?? '';
			const line =
				g.question !== null
					? t('figures.gapQuestion', { aspect, question })
					: g.since === null
						? t('figures.gapNever', { aspect })
						: t('figures.gapSince', { aspect, n: g.since });
			out.push(`- ${cell(line)}`);
		}
		out.push('');
	}
	return out.join('\n');
}

const translators = new Map<string, TFunction>();
function translator(lang: 'nl' | 'en'): TFunction {
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
