import * as Y from 'yjs';
import type { MemberId } from './ids.ts';
import { notesMap, toNoteData } from './notes.ts';
import { readActivities, readActivity, writeActivity, type CollectionWindow } from './activities.ts';

/**
 * Collection windows, one kind of activity (activities.ts): a facilitator
 * opens a board for contributions until a deadline, with a question shown
 * prominently. No timer closes a window: it is open while `now` is before its
 * deadline.
 */
export type { CollectionWindow } from './activities.ts';

export const QUESTION_MAX = 500;

/** The board's latest window, or null. */
export function readWindow(doc: Y.Doc, boardId: string): CollectionWindow | null {
	const a = readActivity(doc, 'collection-window', boardId);
	return a && { question: a.question, opensAt: a.opensAt, deadline: a.deadline, closedAt: a.closedAt };
}

/** Every board's latest window, by board. */
export function readWindows(doc: Y.Doc): Map<string, CollectionWindow> {
	const out = new Map<string, CollectionWindow>();
	for (const a of readActivities(doc)) if (a.kind === 'collection-window') out.set(a.boardId, readWindow(doc, a.boardId)!);
	return out;
}

export function writeWindow(doc: Y.Doc, boardId: string, w: CollectionWindow, origin: unknown = null): void {
	writeActivity(doc, { kind: 'collection-window', boardId, ...w }, origin);
}

/** Open from when it is written (so a client clock behind the server's does not hide it) until its deadline. */
export const isOpen = (w: CollectionWindow | null | undefined, now: number): w is CollectionWindow =>
	!!w && w.closedAt === null && now < w.deadline;

/** When contributions stop counting: the deadline, or when it was closed early. */
export const windowEnd = (w: CollectionWindow): number => Math.min(w.deadline, w.closedAt ?? Infinity);

/**
 * Opens a window, or changes the deadline and question of the one that is
 * open (it keeps its opening time, so counts keep counting from then).
 */
export function openWindow(
	doc: Y.Doc,
	boardId: string,
	input: { deadline: number; question: string | null },
	now: number,
	origin: unknown = null
): { window: CollectionWindow; opened: boolean } {
	const current = readWindow(doc, boardId);
	const opened = !isOpen(current, now);
	const w: CollectionWindow = { question: input.question, opensAt: opened ? now : current!.opensAt, deadline: input.deadline, closedAt: null };
	writeWindow(doc, boardId, w, origin);
	return { window: w, opened };
}

/** Closes the open window now; a window that is not open stays as it is. */
export function closeWindow(doc: Y.Doc, boardId: string, now: number, origin: unknown = null): CollectionWindow | null {
	const current = readWindow(doc, boardId);
	if (!isOpen(current, now)) return current;
	const w: CollectionWindow = { ...current, closedAt: now };
	writeWindow(doc, boardId, w, origin);
	return w;
}

/** How many notes in a lane document `member` created in [from, to). */
export function countCreated(doc: Y.Doc, member: MemberId, from: number, to: number): number {
	let n = 0;
	notesMap(doc).forEach((note, id) => {
		if (!(note instanceof Y.Map)) return;
		const data = toNoteData(id, note);
		if (data.createdBy === member && data.createdAt >= from && data.createdAt < to) n++;
	});
	return n;
}

// --- Showing a deadline ------------------------------------------------------

const intlLocale = (lang: string) => (lang === 'en' ? 'en-GB' : 'nl-NL');

/** "dinsdag 3 december om 17:00" / "Tuesday 3 December at 17:00"; the year only when it is not this year's. */
export function formatDeadline(ms: number, lang: string, now = Date.now()): string {
	const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
	return new Intl.DateTimeFormat(intlLocale(lang), {
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		...(sameYear ? {} : { year: 'numeric' }),
		hour: '2-digit',
		minute: '2-digit'
	}).format(ms);
}

/** The time left, roughly: days from two days on, hours from two hours on, else minutes; null once it is over. */
export function formatTimeLeft(ms: number, now: number, lang: string): string | null {
	const left = ms - now;
	if (left <= 0) return null;
	const [unit, amount] =
		left >= 2 * 86_400_000
			? (['day', Math.round(left / 86_400_000)] as const)
			: left >= 2 * 3_600_000
				? (['hour', Math.round(left / 3_600_000)] as const)
				: (['minute', Math.ceil(left / 60_000)] as const);
	return new Intl.NumberFormat(intlLocale(lang), { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}

/** The value of a `datetime-local` input for a time, in the browser's time zone. */
export function toDateTimeLocal(ms: number): string {
	const d = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
