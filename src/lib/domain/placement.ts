import type { NoteData } from './notes.ts';

/** A free spot in reading order (fractions of a lane), so a new note does not land on top of others. */
export function freeSpot(notes: readonly Pick<NoteData, 'x' | 'y'>[]): { x: number; y: number } {
	for (let row = 0; row < 6; row++) {
		for (let col = 0; col < 5; col++) {
			const x = col / 4;
			const y = row / 5;
			if (!notes.some((n) => Math.abs(n.x - x) < 0.12 && Math.abs(n.y - y) < 0.1)) return { x, y };
		}
	}
	return { x: Math.random(), y: Math.random() };
}
