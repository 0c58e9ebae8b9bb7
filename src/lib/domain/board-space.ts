/**
 * The board as one surface in board units (a unit is a CSS pixel at zoom 1).
 * Every lane is a region of it; a note's place is its top-left corner in its
 * region, in units, so every device shows the same arrangement and a phone
 * shows it zoomed, not rearranged. The layout depends only on the board's data
 * (which lanes there are, how far their notes reach), never on a screen.
 *
 * Notes written before board units kept `x`, `y` as fractions of their lane's
 * box; `notePosition` reads those as a place in a lane of the old shape, so the
 * arrangement people made (order, grouping, the place on a paradox axis) stays.
 */

export const NOTE_W = 240;
export const NOTE_H = 160;
/** The space automatic placement keeps between notes. */
export const NOTE_GAP = 16;
/** A lane is this wide: five notes side by side. */
export const LANE_W = 5 * NOTE_W + 6 * NOTE_GAP;
/** Between regions. */
export const REGION_GAP = 64;
/** The collective lane spans two lanes. */
export const COLLECTIVE_W = 2 * LANE_W + REGION_GAP;
/** A region's title bar, above its notes. */
export const REGION_HEADER = 72;
/** An empty region is this tall (room for two rows of notes). */
export const REGION_MIN_H = REGION_HEADER + 2 * NOTE_H + 3 * NOTE_GAP;
/** Lanes beside each other below the collective lane. */
export const LANE_COLUMNS = 2;
/** Notes are kept within this far down a region (a sanity bound, far beyond any real board). */
export const MAX_Y = 200_000;
/** The shape of a lane before board units: fractions were of this box. */
export const LEGACY_H = 3 * NOTE_H + 4 * NOTE_GAP;

export interface Point {
	readonly x: number;
	readonly y: number;
}

export interface Rect {
	readonly x: number;
	readonly y: number;
	readonly w: number;
	readonly h: number;
}

export type RegionKind = 'collective' | 'anonymous' | 'member' | 'private';

export interface RegionInput {
	readonly key: string;
	readonly kind: RegionKind;
	/** How far down its notes reach (the largest `y + NOTE_H`), 0 when empty. */
	readonly reach: number;
}

export interface Region extends Rect {
	readonly key: string;
	readonly kind: RegionKind;
}

/** Width of a region of this kind: notes' x is bounded by it. */
export const regionWidth = (kind: RegionKind): number => (kind === 'collective' ? COLLECTIVE_W : LANE_W);

/** The largest x a note may have in a region of this kind. */
export const maxX = (kind: RegionKind): number => regionWidth(kind) - NOTE_W;

const clamp = (v: number, lo: number, hi: number) => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo);

/** A place inside a region: never left of or above it, never past its right edge. */
export function clampToRegion(p: Point, kind: RegionKind): Point {
	return { x: Math.round(clamp(p.x, 0, maxX(kind))), y: Math.round(clamp(p.y, 0, MAX_Y)) };
}

/**
 * Where a note is, in its region: its board units when it has them, else its
 * old fractions read in a lane of the old shape.
 */
export function notePosition(note: { readonly px?: number | null; readonly py?: number | null; readonly x: number; readonly y: number }, kind: RegionKind): Point {
	if (typeof note.px === 'number' && typeof note.py === 'number') {
		const p = clampToRegion({ x: note.px, y: note.py }, kind);
		// A client from before board units moves a note by its fractions only: when they no longer
		// match the board units (written for a lane or the collective lane), its move is the newer one.
		const agrees = (k: RegionKind) => {
			const f = legacyFractions(clampToRegion(p, k), k);
			return Math.abs(f.x - note.x) < FRACTION_SLACK && Math.abs(f.y - note.y) < FRACTION_SLACK;
		};
		if (agrees(kind) || agrees('member')) return p;
	}
	return clampToRegion({ x: note.x * maxX(kind), y: note.y * (LEGACY_H - NOTE_H) }, kind);
}

/** Fractions written beside board units match them this closely (rounding to whole units). */
const FRACTION_SLACK = 0.01;

/**
 * The fractions written beside board units, for clients from before them (an
 * offline copy that syncs later still shows the note about where it is).
 */
export function legacyFractions(p: Point, kind: RegionKind): Point {
	return { x: clamp(p.x / maxX(kind), 0, 1), y: clamp(p.y / (LEGACY_H - NOTE_H), 0, 1) };
}

/** On a paradox board: where between the poles a note sits, 0 (left) to 1 (right). */
export const axisPosition = (p: Point, kind: RegionKind): number => clamp(p.x / maxX(kind), 0, 1);

/** How tall a region is, given how far its notes reach. */
export const regionHeight = (reach: number): number => Math.max(REGION_MIN_H, REGION_HEADER + reach + 2 * NOTE_GAP);

/**
 * The surface: the collective lane on top, the shared lanes below it in
 * LANE_COLUMNS columns in the order given (rows as tall as their tallest lane),
 * and a private lane, which only its owner sees, to the left of the
 * collective lane, so it shifts nothing that others see.
 */
export function layoutRegions(regions: readonly RegionInput[]): Region[] {
	const out: Region[] = [];
	const collective = regions.find((r) => r.kind === 'collective');
	const collectiveH = collective ? regionHeight(collective.reach) : 0;
	if (collective) out.push({ key: collective.key, kind: 'collective', x: 0, y: 0, w: COLLECTIVE_W, h: collectiveH });
	for (const r of regions) {
		if (r.kind === 'private') out.push({ key: r.key, kind: 'private', x: -(LANE_W + REGION_GAP), y: 0, w: LANE_W, h: regionHeight(r.reach) });
	}
	const lanes = regions.filter((r) => r.kind === 'member' || r.kind === 'anonymous');
	let top = collective ? collectiveH + REGION_GAP : 0;
	for (let row = 0; row * LANE_COLUMNS < lanes.length; row++) {
		const inRow = lanes.slice(row * LANE_COLUMNS, (row + 1) * LANE_COLUMNS);
		const h = Math.max(...inRow.map((r) => regionHeight(r.reach)));
		inRow.forEach((r, col) => out.push({ key: r.key, kind: r.kind, x: col * (LANE_W + REGION_GAP), y: top, w: LANE_W, h }));
		top += h + REGION_GAP;
	}
	return out;
}

/** The rectangle that holds every region. */
export function surfaceBounds(regions: readonly Rect[]): Rect {
	if (regions.length === 0) return { x: 0, y: 0, w: COLLECTIVE_W, h: REGION_MIN_H };
	const minX = Math.min(...regions.map((r) => r.x));
	const minY = Math.min(...regions.map((r) => r.y));
	const maxXs = Math.max(...regions.map((r) => r.x + r.w));
	const maxYs = Math.max(...regions.map((r) => r.y + r.h));
	return { x: minX, y: minY, w: maxXs - minX, h: maxYs - minY };
}

/** A note's rectangle on the surface, from its place in a region. */
export const noteRect = (region: Pick<Rect, 'x' | 'y'>, p: Point): Rect => ({
	x: region.x + p.x,
	y: region.y + REGION_HEADER + p.y,
	w: NOTE_W,
	h: NOTE_H
});

export const intersects = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
