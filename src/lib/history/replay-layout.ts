import { NOTE_GAP, NOTE_H, NOTE_W, notePosition, regionWidth, type Point, type Rect, type RegionKind } from '#lib/domain/board-space.ts';
import type { LaneKey, NoteView } from '#lib/domain/history.ts';

/**
 * The past board laid out as the live board lays it out: every note at its
 * place in its region in board units (notePosition), so two notes overlap only
 * where they overlapped on the live board. A lane shows the part of its region
 * its notes reach (its frame), scaled to the width there is.
 */

/** What kind of region a lane of the past is (the past has no private lane). */
export const laneKind = (lane: LaneKey): RegionKind => (lane === 'collective' ? 'collective' : lane === 'anonymous' ? 'anonymous' : 'member');

export interface PlacedView {
	readonly note: NoteView;
	/** Its place in its region (board units). */
	readonly at: Point;
}

/** A lane's notes with their places, in reading order (top to bottom, then left to right). */
export function placeViews(notes: readonly NoteView[], kind: RegionKind): PlacedView[] {
	return notes
		.map((note) => ({ note, at: notePosition(note, kind) }))
		.sort((a, b) => a.at.y - b.at.y || a.at.x - b.at.x || (a.note.id < b.note.id ? -1 : 1));
}

/** A frame is never narrower than three notes, so a lone note is not blown up. */
const MIN_W = 3 * NOTE_W + 4 * NOTE_GAP;
const MIN_H = NOTE_H + 2 * NOTE_GAP;

/**
 * The part of a region (in its own board units) that holds these places, with a
 * gap around them. On a paradox board (`fullWidth`) the frame spans the whole
 * width, so the place between the poles reads as on the live board.
 */
export function frameOf(places: readonly Point[], kind: RegionKind, fullWidth = false): Rect {
	const width = regionWidth(kind);
	if (places.length === 0) return { x: 0, y: 0, w: fullWidth ? width : MIN_W, h: MIN_H };
	const left = Math.max(0, Math.min(...places.map((p) => p.x)) - NOTE_GAP);
	const top = Math.max(0, Math.min(...places.map((p) => p.y)) - NOTE_GAP);
	const right = Math.max(...places.map((p) => p.x)) + NOTE_W + NOTE_GAP;
	const bottom = Math.max(...places.map((p) => p.y)) + NOTE_H + NOTE_GAP;
	const x = fullWidth ? 0 : left;
	const w = fullWidth ? width : Math.max(MIN_W, right - left);
	return { x, y: top, w, h: Math.max(MIN_H, bottom - top) };
}

/** The frame holding both: two moments side by side share one, so a note that stayed is in the same place in both. */
export function unionFrame(a: Rect, b: Rect): Rect {
	const x = Math.min(a.x, b.x);
	const y = Math.min(a.y, b.y);
	return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** Below this scale a note's text is too small to read: a lane narrower than that scrolls sideways instead (a phone). */
export const LEGIBLE_SCALE = 0.4;

/** The scale that fits a frame into `width` CSS pixels; never larger than the live board at zoom 1. */
export const fitScale = (frame: Rect, width: number): number => (width > 0 ? Math.min(1, width / frame.w) : 1);
