import type { NoteColor } from './palette.ts';
import type { LearningLoop } from './notes.ts';

/**
 * Finding notes on a board: by words, person, colour, learning loop and
 * "new since my last visit". Pure: the board page hands in what it shows,
 * in reading order, and gets the matches back in the same order.
 */
export interface FindQuery {
	readonly text: string;
	/** A member id: notes written by them (never anonymous notes: they have no author on the client). */
	readonly person: string | null;
	readonly color: NoteColor | null;
	readonly loop: LearningLoop | null;
	/** Only notes new or changed since my last visit. */
	readonly fresh: boolean;
}

export const EMPTY_QUERY: FindQuery = { text: '', person: null, color: null, loop: null, fresh: false };

export interface Findable {
	readonly lane: string;
	readonly id: string;
	readonly text: string;
	/** Who wrote it, as far as this reader may know; null for anonymous notes. */
	readonly author: string | null;
	readonly color: string;
	readonly loop: string | null;
}

export interface NoteRef {
	readonly lane: string;
	readonly id: string;
}

/** Case and accents do not matter ("creatief" finds "Creatíef"), nor runs of spaces. */
export function normalize(text: string): string {
	return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('nl').replace(/\s+/g, ' ').trim();
}

export function isActive(q: FindQuery): boolean {
	return normalize(q.text) !== '' || q.person !== null || q.color !== null || q.loop !== null || q.fresh;
}

/** Every word of the query must occur in the note (in any order). */
export function findNotes(notes: Iterable<Findable>, q: FindQuery, fresh: ReadonlySet<string> = new Set()): NoteRef[] {
	if (!isActive(q)) return [];
	const words = normalize(q.text).split(' ').filter(Boolean);
	const found: NoteRef[] = [];
	for (const n of notes) {
		if (q.person !== null && n.author !== q.person) continue;
		if (q.color !== null && n.color !== q.color) continue;
		if (q.loop !== null && n.loop !== q.loop) continue;
		if (q.fresh && !fresh.has(n.id)) continue;
		if (words.length) {
			const text = normalize(n.text);
			if (!words.every((w) => text.includes(w))) continue;
		}
		found.push({ lane: n.lane, id: n.id });
	}
	return found;
}
