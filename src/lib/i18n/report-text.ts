import type { BringIn, Chapter, Highlight, SummaryCounts } from '#lib/domain/story.ts';

/**
 * The story report's sentences, shared by the print page and the Markdown
 * export so both say the same thing: pass the `t` of the reader's language.
 */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** "4 nieuwe notities, 2 herschreven, 1 verwijderd; 3 ingebracht uit individuele lanes." */
export function summaryLine(t: Translate, c: SummaryCounts): string {
	const first = [
		c.added && t('report.summaryAdded', { count: c.added }),
		c.rewritten && t('report.summaryRewritten', { count: c.rewritten }),
		c.removed && t('report.summaryRemoved', { count: c.removed })
	].filter(Boolean);
	const second = [c.broughtIn && t('report.summaryBroughtIn', { count: c.broughtIn }), c.votes && t('report.summaryVotes', { count: c.votes })].filter(Boolean);
	return [first.join(', '), second.join(', ')].filter(Boolean).join('; ') + '.';
}

/** A note's text cut to a readable length for a sentence. */
export function short(text: string, max = 80): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat || '…';
}

export function highlightsLine(t: Translate, highlights: readonly Highlight[]): string {
	if (highlights.length === 0) return '';
	const list = highlights.map((h) =>
		h.kind === 'added'
			? t('report.highlightAdded', { text: short(h.text) })
			: h.kind === 'removed'
				? t('report.highlightRemoved', { text: short(h.text) })
				: t('report.highlightRewritten', { before: short(h.before, 50), after: short(h.after) })
	);
	return t('report.highlights', { list: list.join('; ') });
}

/** A chapter's heading: a meeting's title as typed, or the time between meetings. */
export function chapterTitle(t: Translate, c: Chapter): string {
	if (c.kind === 'meeting') return c.title ?? '';
	if (c.before && c.after) return t('report.between', { before: c.before, after: c.after });
	if (c.after) return t('report.beforeMeeting', { after: c.after });
	if (c.before) return t('report.afterMeeting', { before: c.before });
	return t('report.outside');
}

/** A member's name for a named lane; "anoniem" for the anonymous lane, and nothing else. */
export function sourceName(t: Translate, b: BringIn): string {
	return b.from.kind === 'anonymous' ? t('report.anonymous') : b.from.name || t('report.formerMember');
}

export function bringInLine(t: Translate, b: BringIn): string {
	const who = sourceName(t, b);
	if (b.text === null) return t('report.broughtInGone', { who, into: short(b.into.text) });
	if (b.text === b.into.text) return t('report.broughtInSame', { text: short(b.text, 200), who });
	return t('report.broughtInLine', { text: short(b.text, 200), who, into: short(b.into.text) });
}
