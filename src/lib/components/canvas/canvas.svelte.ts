import type { BoardState, LaneKey, LaneState } from '#lib/sync/board.svelte.ts';
import type { BoardUi } from '../board-ui.svelte.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { intersects, LANE_W, REGION_HEADER, noteRect, notePosition, surfaceBounds, type Rect, type Region } from '#lib/domain/board-space.ts';
import { flushSync, untrack } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import { MAX_SCALE, MOVING_MS, Viewport, grow } from './viewport.svelte.ts';
import { regionKind, regionsFor } from './regions.ts';
import { mapView } from '#lib/domain/presence.ts';
import { screenWindow } from '#lib/domain/screen-view.ts';
import { boardLanes, groupLanes, laneTitle } from '../list/lanes.ts';

/** Boards with at most this many notes are drawn whole (see `culling`). */
export const DRAW_ALL_UP_TO = 300;
/** A note's text size in board units (BoardCanvas.svelte: `.layer .note`). */
export const NOTE_TEXT_PX = 15;
/** From this scale up note text reads comfortably on a laptop (14 CSS px); editing and find bring the view up to it. */
export const READABLE = 14 / NOTE_TEXT_PX;
/** Following on a phone, the followed view is never shown smaller than this: note text about 12 CSS px (domain/presence.ts followFit). */
export const FOLLOW_READABLE = 12 / NOTE_TEXT_PX;
/** On the room's screen note text is at least this large (CSS px; 32 asked for, and a little for rounding). */
export const SCREEN_TEXT_PX = 33;
export const SCREEN_SCALE = SCREEN_TEXT_PX / NOTE_TEXT_PX;
/** A sharing round's step on the room's screen: its notes no larger than this (note text 36 px), however few. */
const SHARING_MAX = 2.4;
/** The first view shows note text at least at its full size, and at most this large (the room's screen). */
const OPEN_MIN = 1;
const OPEN_MAX = 1.6;
/** Presenting: this many board units across the screen (3.5 notes), so note text is over 32 px on a 1920 px screen. */
const PRESENT_SPAN = 864;
const PRESENT_MAX = 2.4;
/** On a large board, below this scale notes stay coloured blocks: their 15 px text would be under 5 px. */
export const DETAIL_SCALE = 0.3;
/**
 * Main-thread time per frame spent turning blocks into cards (ms): small while
 * the view moves, so a pan or zoom keeps its frames; larger once it rests.
 */
const CARD_BUDGET_MOVING = 5;
const CARD_BUDGET_RESTING = 40;

/**
 * The board drawn as one surface: which lanes are regions, where they are,
 * the view onto them, and which notes must stay rendered wherever the view is
 * (the one being edited, focused or dragged).
 */
export class CanvasState {
	readonly viewport = new Viewport();
	readonly board: BoardState;
	readonly ui: BoardUi;
	/** Notes rendered wherever the view is. */
	focused = $state<NoteId | null>(null);
	dragging = $state<NoteId | null>(null);

	constructor(board: BoardState, ui: BoardUi) {
		this.board = board;
		this.ui = ui;
	}

	/**
	 * The collective lane, my private lane, my lane, the anonymous lane, then
	 * everyone else's; presenting, the board as the group sees it (no private lane).
	 */
	readonly lanes: LaneState[] = $derived.by(() => (this.ui.presenting ? groupLanes(this.board) : boardLanes(this.board)));

	readonly regions: Region[] = $derived(regionsFor(this.lanes));
	/** The board as the group sees it: where views travel (src/lib/domain/presence.ts). */
	readonly groupRegions: Region[] = $derived.by(() => regionsFor(groupLanes(this.board)));
	/** The note in the spotlight on this board, as `lane\nnoteId`. */
	readonly spotlit: string | null = $derived.by(() => {
		const s = this.board.presence.spotlight;
		return s && s.boardId === this.board.boardId ? `${s.lane}\n${s.noteId}` : null;
	});

	isSpotlit(lane: LaneKey, noteId: string): boolean {
		return this.spotlit === `${lane}\n${noteId}`;
	}
	/**
	 * Whether only the notes near the view are drawn. A board of a few hundred
	 * notes is drawn whole: panning never waits for a note to appear, and
	 * find-in-page, Tab and screen readers reach every note; a large board
	 * draws what is near the view.
	 */
	readonly culling: boolean = $derived(this.lanes.reduce((n, l) => n + l.notes.length, 0) > DRAW_ALL_UP_TO);
	readonly bounds: Rect = $derived(surfaceBounds(this.regions));
	readonly keep: ReadonlySet<string> = $derived.by(
		() => new Set([this.focused, this.dragging, this.ui.editing?.noteId].filter((id): id is NoteId => id !== null && id !== undefined))
	);
	/** Whether notes near the view become cards (with text and menu); below DETAIL_SCALE, on a large board, all are blocks. */
	readonly detail: boolean = $derived(!this.culling || this.viewport.k >= DETAIL_SCALE);

	/*
	 * Cards on a large board. A card (Note.svelte: text, state line, menu) takes
	 * far longer to mount than its frame. On a large board a note near the view
	 * first appears as a coloured block (NoteFrame.svelte), and blocks become
	 * cards a few per frame, nearest the middle of the view first, within a
	 * time budget: a pan that brings a hundred notes into view does not stall
	 * a frame on mounting them all. Small boards are cards throughout.
	 */
	private readonly cards = new SvelteSet<string>();
	private readonly waiting = new Map<string, Rect>();
	private frame = 0;

	/** Whether a note is drawn as its card rather than a block. */
	isCard(noteId: string): boolean {
		return !this.culling || this.keep.has(noteId) || (this.detail && this.cards.has(noteId));
	}

	/**
	 * A block near the view asks to become a card (see `cards`). While the view
	 * rests, one in view becomes a card at once: a board opens with its cards.
	 */
	want(noteId: string, rect: Rect): void {
		// Called from a frame's effect: the view is read, not followed (the effect must not rerun on every pan step).
		untrack(() => {
			if (!this.moving() && intersects(rect, this.viewport.visible)) {
				this.cards.add(noteId);
				return;
			}
			this.waiting.set(noteId, rect);
			if (!this.frame && typeof requestAnimationFrame === 'function') this.frame = requestAnimationFrame(this.promote);
		});
	}

	private moving(): boolean {
		return performance.now() - this.viewport.movedAt < MOVING_MS;
	}

	/** A note left the rendered area (or the board): it is a block again when it comes back. */
	forget(noteId: string): void {
		this.waiting.delete(noteId);
		this.cards.delete(noteId);
	}

	private readonly promote = (): void => {
		this.frame = 0;
		if (!this.detail) return;
		const start = performance.now();
		const budget = this.moving() ? CARD_BUDGET_MOVING : CARD_BUDGET_RESTING;
		const v = this.viewport.visible;
		const cx = v.x + v.w / 2;
		const cy = v.y + v.h / 2;
		const distance = (r: Rect) => Math.hypot(r.x + r.w / 2 - cx, r.y + r.h / 2 - cy);
		const order = [...this.waiting].sort((a, b) => distance(a[1]) - distance(b[1]));
		// Two at a time: each flush mounts them, so the clock sees what they cost.
		for (let i = 0; i < order.length && performance.now() - start < budget; i += 2) {
			for (const [id] of order.slice(i, i + 2)) {
				this.waiting.delete(id);
				this.cards.add(id);
			}
			flushSync();
		}
		if (this.waiting.size) this.frame = requestAnimationFrame(this.promote);
	};

	region(key: LaneKey): Region | undefined {
		return this.regions.find((r) => r.key === key);
	}

	title(key: LaneKey): string {
		return laneTitle(this.board, key);
	}

	/** The lanes a note may be dropped into from this lane (as the move dialog offers). */
	moveTargets(key: LaneKey): LaneKey[] {
		const lane = this.board.lane(key);
		if (!lane?.writable || key === 'private' || key === 'anonymous') return [];
		const mine = this.board.myLane;
		if (key === 'collective') return mine?.writable ? [mine.key] : [];
		return this.board.collective.writable ? ['collective'] : [];
	}

	/** A note's lane and rectangle on the surface. */
	locate(noteId: string): { lane: LaneState; rect: Rect } | null {
		for (const lane of this.lanes) {
			const note = lane.notes.find((n) => n.id === noteId);
			const region = note && this.region(lane.key);
			if (note && region) return { lane, rect: noteRect(region, notePosition(note, regionKind(lane.key))) };
		}
		return null;
	}

	/** A note's rectangle in its lane (note ids may repeat across lanes). */
	locateIn(key: LaneKey, noteId: string): Rect | null {
		const lane = this.board.lane(key);
		const note = lane?.notes.find((n) => n.id === noteId);
		const region = this.region(key);
		return note && region ? noteRect(region, notePosition(note, regionKind(key))) : null;
	}

	/** Zooms to a note, large (the spotlight): not a move of my own. */
	zoomToNote(key: LaneKey, noteId: string): boolean {
		const rect = this.locateIn(key, noteId);
		if (!rect) return false;
		this.viewport.show({ x: rect.x - rect.w * 0.75, y: rect.y - rect.h * 0.75, w: rect.w * 2.5, h: rect.h * 2.5 });
		return true;
	}

	/** Brings a note into view (and keeps it rendered until it has focus). */
	showNote(noteId: NoteId): void {
		const found = this.locate(noteId);
		if (!found) return;
		this.focused = noteId;
		this.viewport.ensureVisible(found.rect);
	}

	/** The rectangle around some notes of one lane; null while none of them is on the board. */
	rectOf(key: LaneKey, ids: ReadonlySet<string>): Rect | null {
		const lane = this.lanes.find((l) => l.key === key);
		const region = lane && this.region(key);
		if (!lane || !region) return null;
		const rects = lane.notes.filter((n) => ids.has(n.id)).map((n) => noteRect(region, notePosition(n, regionKind(key))));
		if (rects.length === 0) return null;
		const x = Math.min(...rects.map((r) => r.x));
		const y = Math.min(...rects.map((r) => r.y));
		return { x, y, w: Math.max(...rects.map((r) => r.x + r.w)) - x, h: Math.max(...rects.map((r) => r.y + r.h)) - y };
	}

	/**
	 * Shows these notes of a lane whole and centred; false while none is on the
	 * board. No larger than the first view on a laptop; a wider screen (the
	 * room's) shows them larger, up to 2.4 at 1920 px (note text 36 px).
	 */
	fitNotes(key: LaneKey, ids: ReadonlySet<string>): boolean {
		const rect = this.rectOf(key, ids);
		if (rect) this.viewport.fit(rect, Math.min(MAX_SCALE, Math.max(OPEN_MAX, this.viewport.width / 800)));
		return rect !== null;
	}

	/** Shows a lane as wide as the view allows. */
	zoomToLane(key: LaneKey): void {
		const region = this.region(key);
		if (region) this.viewport.zoomTo(region);
	}

	/**
	 * The first view: Samen's top-left corner at the top left, with one lane's
	 * width (five notes) across the screen, so Samen comes first and my own lane,
	 * the first below it, starts under it. The same board point on every screen
	 * and for everyone; a wider screen shows it larger (the room's screen), a
	 * narrower one shows less of it, never smaller than full size.
	 */
	open(): void {
		const samen = this.region('collective');
		if (!samen) return;
		if (this.ui.presenting) this.viewport.open(samen, PRESENT_SPAN, OPEN_MIN, PRESENT_MAX);
		else this.viewport.open(samen, LANE_W, OPEN_MIN, OPEN_MAX);
	}

	/**
	 * The room's screen: the note in the spotlight, else a sharing round's
	 * step (its notes), else someone's view (board
	 * units of group space) fitted to it with note text never under
	 * SCREEN_TEXT_PX — when the view is larger than that allows, the notes in it
	 * (domain/screen-view.ts); without either, Samen's top-left corner.
	 */
	present(view: Rect | null, spotlight: string | null = null, sharing: { lane: LaneKey; ids: ReadonlySet<string> } | null = null): void {
		const lit = spotlight ? this.locate(spotlight) : null;
		if (lit) return this.viewport.show(grow(lit.rect, 0.6), SCREEN_SCALE);
		// A sharing round's step: its notes, whole if they fit at that size, else their middle.
		const step = sharing && this.rectOf(sharing.lane, sharing.ids);
		if (step) return this.viewport.show(grow(step, 0.3), SCREEN_SCALE, SHARING_MAX);
		const mine = view && mapView(view, this.groupRegions, this.regions);
		if (mine && this.viewport.width && this.viewport.height) {
			// What there is to read: the notes, and each lane's title (so a lane shown from its top shows whose it is).
			const notes = this.lanes.flatMap((lane) => {
				const region = this.region(lane.key);
				if (!region) return [];
				const title = { x: region.x, y: region.y, w: Math.min(region.w, LANE_W / 2), h: REGION_HEADER };
				return [title, ...lane.notes.map((n) => noteRect(region, notePosition(n, regionKind(lane.key))))];
			});
			const t = screenWindow(mine, notes, this.viewport.width, this.viewport.height, SCREEN_SCALE, MAX_SCALE);
			return this.viewport.set(t.x, t.y, t.k, false);
		}
		const samen = this.region('collective');
		if (samen) this.viewport.open(samen, LANE_W, SCREEN_SCALE, SCREEN_SCALE);
	}

	/** Everything on the board. */
	fitAll(): void {
		this.viewport.fit(this.bounds);
	}
}
