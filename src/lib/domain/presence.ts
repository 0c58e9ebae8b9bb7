import { isRandomId, isSlug } from './ids.ts';
import type { LaneKey } from './lanes.ts';
import type { Rect, Region } from './board-space.ts';

/**
 * Presence on the practice document's awareness (src/lib/sync/presence.svelte.ts):
 * where each member looks, and the note a facilitator puts in the spotlight.
 * Every client sets, on its own awareness state:
 *
 *   user:      { memberId, name }          (the server rewrites it with who the connection is)
 *   view:      { boardId, x, y, width, height } | null   the visible rectangle, in board units
 *   spotlight: { boardId, lane, noteId } | null           facilitators only (the server drops it from others)
 *
 * A view is in *group space*: the board laid out as everyone without a lane of
 * their own sees it (an observer, the room's screen) — Samen, the anonymous
 * lane, then every member's lane in the practice's order, and no private lane.
 * A member's own canvas puts their own lane first and their private lane left
 * of Samen; `mapView` carries a rectangle between the two layouts.
 * A follower fits the rectangle into its own screen, so screens of different
 * sizes show the same region of the board.
 */

/** The visible rectangle of a board, in board units (group space). */
export interface BoardView {
	readonly boardId: string;
	readonly x: number;
	readonly y: number;
	readonly width: number;
	readonly height: number;
}

/** A note a facilitator points everyone to. Never a private note: only notes the group sees. */
export interface Spotlight {
	readonly boardId: string;
	readonly lane: LaneKey;
	readonly noteId: string;
}

/** How far from the board's origin a view may reach, and how large it may be (board units). */
export const VIEW_LIMIT = 1_000_000;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A view as the server passes it on (and a client reads it): whole board units, within bounds; anything else is null. */
export function parseView(value: unknown, isBoard: (id: string) => boolean = isSlug): BoardView | null {
	const v = value as Partial<Record<keyof BoardView, unknown>> | null | undefined;
	if (!v || typeof v !== 'object') return null;
	if (typeof v.boardId !== 'string' || !isSlug(v.boardId) || !isBoard(v.boardId)) return null;
	if (!finite(v.x) || !finite(v.y) || !finite(v.width) || !finite(v.height)) return null;
	if (v.width < 1 || v.height < 1) return null;
	return {
		boardId: v.boardId,
		x: Math.round(clamp(v.x, -VIEW_LIMIT, VIEW_LIMIT)),
		y: Math.round(clamp(v.y, -VIEW_LIMIT, VIEW_LIMIT)),
		width: Math.round(clamp(v.width, 1, VIEW_LIMIT)),
		height: Math.round(clamp(v.height, 1, VIEW_LIMIT))
	};
}

/** A lane everyone sees: Samen, the anonymous lane, a member's lane. Never `private`. */
export const isPublicLane = (lane: unknown): lane is LaneKey =>
	lane === 'collective' || lane === 'anonymous' || (typeof lane === 'string' && lane.startsWith('lane:') && isRandomId(lane.slice(5)));

export function parseSpotlight(value: unknown, isBoard: (id: string) => boolean = isSlug): Spotlight | null {
	const s = value as Partial<Record<keyof Spotlight, unknown>> | null | undefined;
	if (!s || typeof s !== 'object') return null;
	if (typeof s.boardId !== 'string' || !isSlug(s.boardId) || !isBoard(s.boardId)) return null;
	if (!isPublicLane(s.lane) || typeof s.noteId !== 'string' || !isRandomId(s.noteId)) return null;
	return { boardId: s.boardId, lane: s.lane, noteId: s.noteId };
}

export const sameView = (a: BoardView | null, b: BoardView | null): boolean =>
	a === b || (!!a && !!b && a.boardId === b.boardId && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);

export const sameSpotlight = (a: Spotlight | null, b: Spotlight | null): boolean =>
	a === b || (!!a && !!b && a.boardId === b.boardId && a.lane === b.lane && a.noteId === b.noteId);

const distance = (p: { x: number; y: number }, r: Rect) => Math.hypot(Math.max(r.x - p.x, 0, p.x - (r.x + r.w)), Math.max(r.y - p.y, 0, p.y - (r.y + r.h)));

/**
 * A rectangle of one layout in another: anchored on the region its middle is
 * in (or the nearest), at the same offset in that region's place in `to`,
 * same size. Null when that region is not in `to` — a view whose middle is in
 * my private lane has no place in group space, and is not published.
 */
export function mapView(rect: Rect, from: readonly Region[], to: readonly Region[]): Rect | null {
	const middle = { x: rect.x + rect.w / 2, y: rect.y + rect.h / 2 };
	let anchor: Region | undefined;
	let best = Infinity;
	for (const r of from) {
		const d = distance(middle, r);
		if (d < best) [anchor, best] = [r, d];
	}
	if (!anchor) return rect;
	const target = to.find((r) => r.key === anchor.key);
	if (!target) return null;
	return { x: target.x + (rect.x - anchor.x), y: target.y + (rect.y - anchor.y), w: rect.w, h: rect.h };
}

/**
 * The transform that shows a rectangle whole in a screen of `width` × `height`
 * pixels, centred, as large as fits (screen = board × k + (x, y)); `k` within
 * the given bounds.
 */
export function fitRect(rect: Rect, width: number, height: number, minScale = 0, maxScale = Infinity): { x: number; y: number; k: number } {
	const k = clamp(Math.min(width / rect.w, height / rect.h), minScale, maxScale);
	return { x: width / 2 - (rect.x + rect.w / 2) * k, y: height / 2 - (rect.y + rect.h / 2) * k, k };
}

/** Narrower than this (CSS px: a phone, the width below which the board opens as a list), a follower fits the followed view's width only. */
export const NARROW_FOLLOWER = 700;

/**
 * How a follower shows the followed view (`rect`, board units) in a screen of
 * `width` × `height` pixels. Usually whole and centred, as large as fits
 * (fitRect). On a narrow screen (a phone following a laptop) that would be
 * about 29 %, text too small to read: there it fits the view's width, but never
 * below `readable` (the scale at which note text is about 12 px), centred on
 * the view's centre — the follower sees the middle of what the other sees, at
 * a size they can read.
 */
export function followFit(rect: Rect, width: number, height: number, readable: number, maxScale = Infinity): { x: number; y: number; k: number } {
	if (width >= NARROW_FOLLOWER) return fitRect(rect, width, height, 0, maxScale);
	const k = clamp(width / rect.w, Math.min(readable, maxScale), maxScale);
	return { x: width / 2 - (rect.x + rect.w / 2) * k, y: height / 2 - (rect.y + rect.h / 2) * k, k };
}

/**
 * What I publish of my view: the visible rectangle of my canvas carried into
 * group space, or null when its middle is in my private lane — where I am in
 * my private notes is nobody's business, and could hint at who writes an
 * anonymous note. (The caller then keeps the view published before: a view
 * that stops moving looks like someone reading.)
 */
export function publicView(boardId: string, visible: Rect, mine: readonly Region[], group: readonly Region[]): BoardView | null {
	if (!visible.w || !visible.h) return null;
	const r = mapView(visible, mine, group);
	return r && { boardId, x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.w), height: Math.round(r.h) };
}
