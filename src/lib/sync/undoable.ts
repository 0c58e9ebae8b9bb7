import * as Y from 'yjs';

/** One change of mine that can be taken back (see `undoable`). */
export interface Undoable {
	/** Whether the change wrote anything. */
	readonly changed: boolean;
	/** Takes the change back, once; returns whether there was anything left to take back. */
	undo(): boolean;
	/** Forgets the change (it can no longer be undone). */
	dispose(): void;
}

/**
 * Runs one change (`run` writes with the origin it is given) so that exactly
 * that change can be undone: a Y.UndoManager that tracks only this origin,
 * on the types in `scope`. Edits of others, and my own other edits, are never
 * taken back; where someone has since changed a field the change wrote, their
 * value stays (Yjs skips what conflicts).
 */
export function undoable(scope: readonly Y.AbstractType<unknown>[], run: (origin: object) => void): Undoable {
	const origin = { zwerm: 'undoable' };
	const manager = new Y.UndoManager([...scope], { trackedOrigins: new Set([origin]), captureTimeout: 0 });
	let alive = true;
	const dispose = () => {
		if (!alive) return;
		alive = false;
		manager.destroy();
	};
	try {
		run(origin);
	} finally {
		manager.stopCapturing();
	}
	const changed = manager.undoStack.length > 0;
	return {
		changed,
		undo() {
			if (!alive) return false;
			const done = manager.undo() !== null;
			dispose();
			return done;
		},
		dispose
	};
}
