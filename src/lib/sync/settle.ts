import type * as Y from 'yjs';
import type { RegionKind } from '#lib/domain/board-space.ts';
import { notesMap, placeNote, readNote, type NoteData } from '#lib/domain/notes.ts';
import { placementSpace } from '#lib/domain/lane-space.ts';
import type { NoteId } from '#lib/domain/ids.ts';

/** Origin of settling moves: not a person's edit (an undo manager should leave them out). */
export const SETTLE_ORIGIN = { zwerm: 'settle' } as const;

/**
 * Concurrent placement settles. Two replicas that each put a new note on the
 * first free slot at the same moment pick the same slot; after the merge the
 * notes cover each other, and neither replica did anything wrong. Notes placed
 * by placement carry `auto` (a person moving one clears it: `placeNote`). Each
 * client watches the notes it created in this session: when one of them, still
 * `auto`, overlaps another `auto` note with a smaller id, it moves its own to
 * the nearest free slot (still `auto`). The other replica sees the same pair
 * and keeps its note, so exactly one of two moves; moves that clash again
 * settle the same way, the smallest id staying each time. The rule reads only
 * the merged state, so it needs no order of arrival. A note a person placed or
 * moved is never moved, and never makes one move: notes overlap where a person
 * put them so.
 *
 * The server places notes too (an anonymous note brought in, written with
 * `createdBy: null`, which no client may write). No client watches those, so
 * they never move: they rank before every client's note, and a client's note
 * that clashes with one yields whatever its id. The order (server first, then
 * by id) is the same on every replica, so one note of each pair moves.
 */
export class PlacementSettler {
	private readonly doc: Y.Doc;
	private readonly kind: RegionKind;
	private readonly mine = new Set<string>();

	constructor(doc: Y.Doc, kind: RegionKind) {
		this.doc = doc;
		this.kind = kind;
		doc.on('afterTransaction', this.onTransaction);
	}

	/** Ids of the notes it watches (created here, in this session, placed automatically, not moved by a person since). */
	get watching(): string[] {
		return [...this.mine].filter((id) => readNote(this.doc, id)?.auto === true);
	}

	private readonly onTransaction = (tr: Y.Transaction) => {
		if (tr.origin === SETTLE_ORIGIN) return;
		if (tr.local) this.watchCreated(tr);
		else if (this.mine.size) this.settle();
	};

	/** Notes created in a transaction of this client. */
	private watchCreated(tr: Y.Transaction) {
		const notes = notesMap(this.doc);
		const keys = tr.changed.get(notes as never);
		if (!keys) return;
		const before = tr.beforeState.get(this.doc.clientID) ?? 0;
		for (const key of keys) {
			const item = key === null ? null : notes.get(key)?._item;
			if (key !== null && item && item.id.client === this.doc.clientID && item.id.clock >= before) this.mine.add(key);
		}
	}

	/** Moves my notes off concurrently placed ones (see the class comment). Returns those it moved. */
	settle(): NoteId[] {
		let space: ReturnType<typeof placementSpace> | null = null;
		const moved: NoteId[] = [];
		for (const id of [...this.mine].sort()) {
			const data = readNote(this.doc, id);
			if (!data || !data.auto || data.px === null || data.py === null) {
				this.mine.delete(id);
				continue;
			}
			space ??= placementSpace(this.doc, this.kind);
			const at = { x: data.px, y: data.py };
			const yields = space.overlapping(at, id).some((other) => {
				const them = readNote(this.doc, other);
				return them?.auto === true && ranksBefore(them, data);
			});
			if (!yields) continue;
			const p = space.place({ near: at, except: id });
			placeNote(this.doc, id as NoteId, p, this.kind, SETTLE_ORIGIN, { auto: true });
			space.add(id, p);
			moved.push(id as NoteId);
		}
		return moved;
	}

	destroy(): void {
		this.doc.off('afterTransaction', this.onTransaction);
		this.mine.clear();
	}
}

/** Which of two clashing automatic notes keeps its place: the server's (it never moves), else the smaller id. */
function ranksBefore(a: NoteData, b: NoteData): boolean {
	const [sa, sb] = [a.createdBy === null, b.createdBy === null];
	return sa !== sb ? sa : a.id < b.id;
}
