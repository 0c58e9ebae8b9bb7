import {
	NOTE_GAP,
	NOTE_H,
	NOTE_W,
	REGION_HEADER,
	intersects,
	layoutRegions,
	maxX,
	noteRect,
	notePosition,
	type Point,
	type Rect,
	type Region,
	type RegionKind
} from '#lib/domain/board-space.ts';
import type { NoteData } from '#lib/domain/notes.ts';

/** What kind of region a lane is drawn as. */
export const regionKind = (key: string): RegionKind =>
	key === 'collective' ? 'collective' : key === 'private' ? 'private' : key === 'anonymous' ? 'anonymous' : 'member';

/** How far down a lane's notes reach, in board units. */
export function reachOf(notes: readonly NoteData[], kind: RegionKind): number {
	let reach = 0;
	for (const n of notes) reach = Math.max(reach, notePosition(n, kind).y + NOTE_H);
	return reach;
}

/** Every lane's region on the surface, from the lanes in the order they are laid out. */
export function regionsFor(lanes: readonly { readonly key: string; readonly notes: readonly NoteData[] }[]): Region[] {
	return layoutRegions(lanes.map((l) => ({ key: l.key, kind: regionKind(l.key), reach: reachOf(l.notes, regionKind(l.key)) })));
}

export interface PlacedNote {
	readonly note: NoteData;
	/** Its place in its region (board units). */
	readonly at: Point;
}

/** A lane's notes with their places, in reading order of those places (top to bottom, then left to right). */
export function placed(notes: readonly NoteData[], kind: RegionKind): PlacedNote[] {
	return notes
		.map((note) => ({ note, at: notePosition(note, kind) }))
		.sort((a, b) => a.at.y - b.at.y || a.at.x - b.at.x || (a.note.id < b.note.id ? -1 : 1));
}

/** The notes to render: those whose rectangles meet `area` (board units), and those in `keep` wherever they are. */
export function inArea(notes: readonly PlacedNote[], region: Region, area: Rect, keep: ReadonlySet<string>): PlacedNote[] {
	return notes.filter((p) => keep.has(p.note.id) || intersects(noteRect(region, p.at), area));
}

/** The region under a point on the board, if any. */
export const regionAt = (regions: readonly Region[], p: Point): Region | undefined =>
	regions.find((r) => p.x >= r.x && p.x < r.x + r.w && p.y >= r.y && p.y < r.y + r.h);

/** Where a note's top-left corner at board point `p` lands inside a region (before clamping). */
export const placeIn = (region: Region, p: Point): Point => ({ x: p.x - region.x, y: p.y - region.y - REGION_HEADER });

/** The grid a keyboard move steps on: a gap, or with Shift a whole note. */
export const KEY_STEP = NOTE_GAP;
export const KEY_STEP_LARGE = { x: NOTE_W + NOTE_GAP, y: NOTE_H + NOTE_GAP } as const;

/** Row and column of a place, counted from 1, for announcing where a note went. */
export function gridCell(p: Point, kind: RegionKind): { row: number; column: number; columns: number } {
	const columns = Math.floor((maxX(kind) - NOTE_GAP) / (NOTE_W + NOTE_GAP)) + 1;
	return {
		row: Math.max(1, Math.round((p.y - NOTE_GAP) / (NOTE_H + NOTE_GAP)) + 1),
		column: Math.min(columns, Math.max(1, Math.round((p.x - NOTE_GAP) / (NOTE_W + NOTE_GAP)) + 1)),
		columns
	};
}
