import type { LaneKey } from '$lib/sync/board.svelte.ts';
import type { NoteId } from '$lib/domain/ids.ts';

export type NoteDialog =
	| { readonly kind: 'bring-in'; readonly lane: LaneKey; readonly noteId: NoteId }
	| { readonly kind: 'move'; readonly lane: LaneKey; readonly noteId: NoteId }
	| { readonly kind: 'visibility'; readonly lane: LaneKey; readonly noteId: NoteId };

/** What this person is doing on the board: local, never synced. */
export class BoardUi {
	editing = $state<{ lane: LaneKey; noteId: NoteId } | null>(null);
	dialog = $state<NoteDialog | null>(null);
	/** Announced to screen readers after actions. */
	announcement = $state('');
	/** Notes new or changed since my last visit, until I have looked at them. */
	fresh = $state(new Map<string, 'added' | 'changed'>());

	/** I have looked at this note: its mark goes. */
	seen(noteId: string): void {
		if (!this.fresh.has(noteId)) return;
		const next = new Map(this.fresh);
		next.delete(noteId);
		this.fresh = next;
	}

	isEditing(lane: LaneKey, noteId: NoteId): boolean {
		return this.editing?.lane === lane && this.editing.noteId === noteId;
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
