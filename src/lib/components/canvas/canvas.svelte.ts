import type { BoardState, LaneKey, LaneState } from '$lib/sync/board.svelte.ts';
import type { BoardUi } from '../board-ui.svelte.ts';
import type { NoteId } from '$lib/domain/ids.ts';
import { LANE_W, noteRect, notePosition, surfaceBounds, type Rect, type Region } from '$lib/domain/board-space.ts';
import { t } from '$lib/i18n/index.svelte.ts';
import { Viewport } from './viewport.svelte.ts';
import { regionKind, regionsFor } from './regions.ts';

/** Boards with at most this many notes are drawn whole (see `culling`). */
export const DRAW_ALL_UP_TO = 300;
/** A note's text size in board units (BoardCanvas.svelte: `.layer .note`). */
export const NOTE_TEXT_PX = 15;
/** From this scale up note text reads comfortably on a laptop (14 CSS px); editing and find bring the view up to it. */
export const READABLE = 14 / NOTE_TEXT_PX;
/** The first view shows note text at least at its full size, and at most this large (the room's screen). */
const OPEN_MIN = 1;
const OPEN_MAX = 1.6;

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

	/** The collective lane, my private lane, my lane, the anonymous lane, then everyone else's. */
	readonly lanes: LaneState[] = $derived.by(() => {
		const b = this.board;
		return [
			b.collective,
			...(b.privateLane ? [b.privateLane] : []),
			...b.lanes.filter((l) => l.key === b.me.id),
			b.anonymous,
			...b.lanes.filter((l) => l.key !== b.me.id)
		];
	});

	readonly regions: Region[] = $derived(regionsFor(this.lanes));
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

	region(key: LaneKey): Region | undefined {
		return this.regions.find((r) => r.key === key);
	}

	title(key: LaneKey): string {
		const b = this.board;
		if (key === 'collective') return t('board.collectiveLane');
		if (key === 'private') return t('board.privateLane');
		if (key === 'anonymous') return t('board.anonymousLane');
		if (key === b.me.id) return t('board.myLane');
		const removed = b.practice.info.members.find((m) => m.id === key)?.removed === true;
		return removed ? t('board.removed', { name: b.laneName(key) }) : t('board.laneOf', { name: b.laneName(key) });
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

	/** Brings a note into view (and keeps it rendered until it has focus). */
	showNote(noteId: NoteId): void {
		const found = this.locate(noteId);
		if (!found) return;
		this.focused = noteId;
		this.viewport.ensureVisible(found.rect);
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
		if (samen) this.viewport.open(samen, LANE_W, OPEN_MIN, OPEN_MAX);
	}

	/** Everything on the board. */
	fitAll(): void {
		this.viewport.fit(this.bounds);
	}
}
