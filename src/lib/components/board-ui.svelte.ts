import type { LaneKey } from '#lib/sync/board.svelte.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { EMPTY_QUERY, isActive, type FindQuery, type NoteRef } from '#lib/domain/find.ts';
import { ArrangeUi } from './arrange.svelte.ts';
import type { Localized } from '#lib/domain/frameworks.ts';

export type NoteDialog =
	| { readonly kind: 'bring-in'; readonly lane: LaneKey; readonly noteId: NoteId }
	| { readonly kind: 'move'; readonly lane: LaneKey; readonly noteId: NoteId }
	| { readonly kind: 'visibility'; readonly lane: LaneKey; readonly noteId: NoteId }
	| { readonly kind: 'lineage'; readonly lane: LaneKey; readonly noteId: NoteId };

/** How the board is shown: the zoomable canvas, or one column of cards per lane (phones). */
export const BOARD_MODES = ['canvas', 'list'] as const;
export type BoardMode = (typeof BOARD_MODES)[number];
/** Below this width (CSS px) the list is the default. */
export const NARROW_PX = 700;
const MODE_KEY = 'zwerm:board-mode';

/** A request to bring a note into view: the canvas zooms to it, the list scrolls to it. `seq` makes a repeat a new request. */
export interface JumpRequest {
	readonly lane: LaneKey;
	readonly noteId: NoteId;
	readonly seq: number;
	/** Move the keyboard focus to the note (not while typing in the find bar). */
	readonly focus: boolean;
}

/**
 * The sharing round's current step as this board shows it: its notes glow,
 * the others fade a little, and the canvas or list brings them into view
 * once per step (`key`). Set by SharingBanner from the practice document.
 */
export interface SharingFocus {
	readonly key: string;
	readonly lane: LaneKey;
	readonly ids: ReadonlySet<string>;
}

/** What this person is doing on the board: local, never synced. */
export class BoardUi {
	editing = $state<{ lane: LaneKey; noteId: NoteId } | null>(null);
	dialog = $state<NoteDialog | null>(null);
	/** The aspect's dialogue questions: a note can say which one it answers (coverage map). */
	questions = $state.raw<readonly Localized[]>([]);
	/** Announced to screen readers after actions. */
	announcement = $state('');
	/** Arranging lanes (with undo) and the collective lane's groups. */
	readonly arrange = new ArrangeUi((text) => this.announce(text));
	/** Notes new or changed since my last visit, until I have looked at them. */
	fresh = $state(new Map<string, 'added' | 'changed'>());
	mode = $state<BoardMode>('canvas');
	/**
	 * The presenting view (a facilitator projecting their own session): the
	 * board as the group sees it — no private lane —, large, without controls.
	 * This device only.
	 */
	presenting = $state(false);

	/** Find: the query and filters, and the notes they match in reading order (FindBar computes them). */
	find = $state.raw<FindQuery>(EMPTY_QUERY);
	findOpen = $state(false);
	matches = $state.raw<readonly NoteRef[]>([]);
	/** Which match was jumped to last (-1: none yet). */
	current = $state(-1);
	jump = $state.raw<JumpRequest | null>(null);
	/** The sharing round's step, while one goes on (see SharingFocus). */
	sharing = $state.raw<SharingFocus | null>(null);
	readonly filtering = $derived(isActive(this.find));
	private readonly matchKeys = $derived(new Set(this.matches.map((m) => `${m.lane}\n${m.id}`)));

	/**
	 * The mode this device chose last, else the list on narrow screens.
	 * Called once mounted (the server renders without a window).
	 */
	restoreMode(): void {
		let stored: string | null = null;
		try {
			stored = localStorage.getItem(MODE_KEY);
		} catch {
			// Storage blocked: fall back to the screen's width.
		}
		this.mode = BOARD_MODES.includes(stored as BoardMode) ? (stored as BoardMode) : matchMedia(`(max-width: ${NARROW_PX - 1}px)`).matches ? 'list' : 'canvas';
	}

	setMode(mode: BoardMode): void {
		this.mode = mode;
		try {
			localStorage.setItem(MODE_KEY, mode);
		} catch {
			// Not remembered; still switched.
		}
	}

	/** I have looked at this note: its mark goes. */
	seen(noteId: string): void {
		if (!this.fresh.has(noteId)) return;
		const next = new Map(this.fresh);
		next.delete(noteId);
		this.fresh = next;
	}

	/** Is this note being edited on its card? In list mode a full-screen sheet edits instead (`editing` says which note). */
	isEditing(lane: LaneKey, noteId: NoteId): boolean {
		return this.mode !== 'list' && this.editing?.lane === lane && this.editing.noteId === noteId;
	}

	/** While a find is active: does this note match? (Others are shown dimmed.) */
	isMatch(lane: LaneKey, noteId: NoteId): boolean {
		return this.matchKeys.has(`${lane}\n${noteId}`);
	}

	isDimmed(lane: LaneKey, noteId: NoteId): boolean {
		return this.filtering && !this.isMatch(lane, noteId);
	}

	/** Is this note one of the sharing round's current step? */
	inSharing(lane: LaneKey, noteId: string): boolean {
		return this.sharing !== null && this.sharing.lane === lane && this.sharing.ids.has(noteId);
	}

	/** During a sharing round, the notes that are not its current step's. */
	sharingDimmed(lane: LaneKey, noteId: string): boolean {
		return this.sharing !== null && !this.inSharing(lane, noteId);
	}

	jumpTo(lane: LaneKey, noteId: NoteId, { focus = true }: { focus?: boolean } = {}): void {
		this.jump = { lane, noteId, seq: (this.jump?.seq ?? 0) + 1, focus };
	}

	/** The match jumped to last: drawn stronger than the other matches. */
	isCurrent(lane: LaneKey, noteId: NoteId): boolean {
		const m = this.current >= 0 ? this.matches[this.current] : undefined;
		return m !== undefined && m.lane === lane && m.id === noteId;
	}

	/** Jumps to the next (or previous) match, wrapping around; returns it. The focus stays where it is. */
	step(direction: 1 | -1 = 1): NoteRef | null {
		const n = this.matches.length;
		if (n === 0) return null;
		this.current = this.current < 0 ? (direction === 1 ? 0 : n - 1) : (this.current + direction + n) % n;
		const m = this.matches[this.current];
		this.jumpTo(m.lane as LaneKey, m.id as NoteId, { focus: false });
		return m;
	}

	setFind(query: FindQuery): void {
		this.find = query;
		this.current = -1;
	}

	announce(text: string): void {
		this.announcement = '';
		queueMicrotask(() => (this.announcement = text));
	}

	/** Set by the canvas: brings a note into view (and so renders it) before it takes focus. */
	reveal: ((noteId: NoteId) => void) | null = null;

	/** Focus a note's card (after moving it, leaving edit mode, following a citation). */
	focusNote(noteId: NoteId): void {
		this.reveal?.(noteId);
		requestAnimationFrame(() => {
			const el = document.getElementById(`note-${noteId}`);
			// On the canvas the view pans instead: scrolling would move its layer out from under its transform.
			el?.focus({ preventScroll: this.reveal !== null });
			if (!this.reveal) el?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
		});
	}
}
