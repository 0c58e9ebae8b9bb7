import { laneMember, type ChangeAuthor, type LaneKey, type TimelineEntry } from '#lib/domain/history.ts';
import { locale, t } from '#lib/i18n/index.svelte.ts';
import type { TimelineMark } from './api.ts';

/** Member id → name, for lanes and authors. */
export type Names = ReadonlyMap<string, string>;

/** How a note differs between two compared moments. */
export type NoteStatus = 'added' | 'removed' | 'changed';

/** Who made a change: a name, "anoniem" for the anonymous lane, "Zwerm" for the server. */
export function authorName(by: ChangeAuthor): string {
	if (by === null) return t('history.server');
	if (by === 'anonymous') return t('history.anonymous');
	return by.name || t('note.unknownAuthor');
}

export function laneTitle(lane: LaneKey, names: Names): string {
	if (lane === 'collective') return t('board.collectiveLane');
	if (lane === 'anonymous') return t('board.anonymousLane');
	const member = laneMember(lane);
	return t('board.laneOf', { name: (member && names.get(member)) || t('note.unknownAuthor') });
}

export function formatWhen(at: number): string {
	return new Intl.DateTimeFormat(locale.current, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(at);
}

export const formatCount = (n: number): string => new Intl.NumberFormat(locale.current).format(n);

export function markLabel(mark: TimelineMark): string {
	return t(`history.marks.${mark.kind}`, { name: mark.name });
}

/** "Wijziging 120 van 3.402 — Anna, 14 nov 15:02" (the scrubber's value text). */
export function positionText(position: number, count: number, entry: TimelineEntry | null): string {
	if (position === 0 || !entry) return t('history.beginning', { total: formatCount(count) });
	const where = t('history.position', { n: formatCount(position), total: formatCount(count) });
	const when = entry.at === null ? '' : `, ${formatWhen(entry.at)}`;
	return `${where} — ${authorName(entry.by)}${when}`;
}
