import { laneMember, type ChangeAuthor, type LaneKey } from '#lib/domain/history.ts';
import { meetingAt, type Edit, type MeetingPlace } from '#lib/domain/edits.ts';
import { changeOfMark } from '#lib/domain/framework-change.ts';
import { loc, locale, t } from '#lib/i18n/index.svelte.ts';
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
	if (mark.kind === 'framework') {
		const change = changeOfMark(mark.name);
		if (!change) return t('history.marks.framework');
		return t(`history.framework.${change.kind}`, { name: loc((change.after ?? change.before)?.name), from: loc(change.before?.name) });
	}
	return t(`history.marks.${mark.kind}`, { name: mark.name });
}

/** How much of a note's text an edit's label quotes. */
const QUOTE_CHARS = 28;

/** "Bijeenkomst 3", "Tussen bijeenkomst 2 en 3", …; empty when the board has no meetings. */
export function meetingText(place: MeetingPlace): string {
	if (place.kind === 'in') return t('history.meeting.in', { n: place.n });
	if (place.kind === 'between') return place.next ? t('history.meeting.between', { n: place.n, next: place.next }) : t('history.meeting.after', { n: place.n });
	return place.next ? t('history.meeting.before') : '';
}

/** "Anna herschreef ‘Regels van de gemeente…’"; anonymous edits name nobody. */
export function editText(edit: Edit): string {
	const who = edit.by === 'anonymous' ? t('history.someoneAnonymous') : authorName(edit.by);
	const text = edit.excerpt.length > QUOTE_CHARS ? `${edit.excerpt.slice(0, QUOTE_CHARS).trimEnd()}…` : edit.excerpt || t('note.empty');
	const quoted = t('history.quoted', { text });
	const note = edit.others > 0 ? t('history.others', { note: quoted, count: edit.others }) : quoted;
	return t(`history.edit.${edit.verb}`, { who, note });
}

/** Inside a meeting the clock time says enough; elsewhere the day too. */
function timeText(at: number, inMeeting: boolean): string {
	if (!inMeeting) return formatWhen(at);
	return new Intl.DateTimeFormat(locale.current, { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** "Bijeenkomst 3 · 14:05 · Anna herschreef ‘Regels van de gemeente…’" (no time for anonymous edits). */
export function momentText(edit: Edit, marks: readonly TimelineMark[]): string {
	const place = meetingAt(edit.seq, marks);
	return [meetingText(place), edit.at === null ? '' : timeText(edit.at, place.kind === 'in'), editText(edit)].filter(Boolean).join(' · ');
}

/** "Bewerking 12 van 40 — Bijeenkomst 3 · 14:05 · Anna herschreef ‘…’" (the scrubber's value text). */
export function positionText(position: number, count: number, edit: Edit | null, marks: readonly TimelineMark[] = []): string {
	if (position === 0 || !edit) return t('history.beginning', { total: formatCount(count) });
	return `${t('history.position', { n: formatCount(position), total: formatCount(count) })} — ${momentText(edit, marks)}`;
}
