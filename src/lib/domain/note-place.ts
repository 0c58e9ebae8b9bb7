import * as Y from 'yjs';
import { MAX_Y, clampToRegion, legacyFractions, type Point, type RegionKind } from './board-space.ts';

/**
 * Where a note is, as a lane document stores it: the document's `notes` map,
 * and a note's place read defensively (clients write these documents) and
 * written in board units (`px`, `py`) with the fractions older clients read
 * (`x`, `y`). What notes.ts and lane-space.ts both stand on.
 */
export const NOTES_KEY = 'notes';

export const notesMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(NOTES_KEY);

/** A finite number as stored, else `fallback`. */
export const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** A board-unit coordinate as stored, or null when absent or malformed. */
const unit = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_Y ? v : null);

export const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);

/** A note's place as stored: board units (null on notes from before them) and fractions. */
export const storedPlace = (note: Y.Map<unknown>) => ({
	x: clamp01(num(note.get('x'), 0.5)),
	y: clamp01(num(note.get('y'), 0.5)),
	px: unit(note.get('px')),
	py: unit(note.get('py'))
});

/** Writes a place in a region of `kind`, kept inside it, in board units and as fractions. */
export function writePlace(note: Y.Map<unknown>, p: Point, kind: RegionKind): void {
	const place = clampToRegion(p, kind);
	const legacy = legacyFractions(place, kind);
	note.set('px', place.x);
	note.set('py', place.y);
	note.set('x', legacy.x);
	note.set('y', legacy.y);
}
