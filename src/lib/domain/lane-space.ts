import * as Y from 'yjs';
import { clampToRegion, notePosition, type Point, type RegionKind } from './board-space.ts';
import { frameRect, reserveFrames } from './cluster-frames.ts';
import { notesMap, num, storedPlace } from './note-place.ts';
import { Occupancy } from './placement.ts';

/**
 * A lane document's managed space: where its notes (and, in Samen, its
 * clusters' frames) are, as an `Occupancy` (placement.ts), and a free place
 * for a note that placement puts somewhere (a bring-in, a reveal, a transfer
 * whose old place is taken, anything the server writes).
 */

/** Where a lane's notes are, in board units, as a spatial index (placement.ts). */
export function occupancyOf(doc: Y.Doc, kind: RegionKind, except?: string): Occupancy {
	const notes: { id: string; x: number; y: number }[] = [];
	notesMap(doc).forEach((note, id) => {
		// Only the place: reading whole notes (citations, flags) would double the cost on a large lane.
		if (note instanceof Y.Map && id !== except) notes.push({ id, ...notePosition(storedPlace(note), kind) });
	});
	return new Occupancy(kind, notes);
}

/**
 * Where placement may not put a note: the lane's notes and, in the collective
 * lane, its clusters' frames (cluster-frames.ts), so a placed note never seems
 * to be in a group it is not in.
 */
export function placementSpace(doc: Y.Doc, kind: RegionKind, except?: string): Occupancy {
	const space = occupancyOf(doc, kind, except);
	const clusters = doc.share.has('clusters') ? doc.getMap<Y.Map<unknown>>('clusters') : null;
	if (!clusters?.size) return space;
	const members = new Map<string, Point[]>();
	notesMap(doc).forEach((note, id) => {
		const cluster = note instanceof Y.Map && id !== except ? note.get('cluster') : undefined;
		if (typeof cluster !== 'string') return;
		const at = notePosition(storedPlace(note), kind);
		const list = members.get(cluster);
		if (list) list.push(at);
		else members.set(cluster, [at]);
	});
	const frames: ReturnType<typeof frameRect>[] = [];
	clusters.forEach((c, id) => {
		if (c instanceof Y.Map) frames.push(frameRect({ x: num(c.get('x'), 0), y: num(c.get('y'), 0) }, members.get(id) ?? []));
	});
	reserveFrames(space, frames);
	return space;
}

/**
 * A free place for a new note in a lane of this kind, in board units: the free
 * slot nearest to `near` (a related note), else the first free one in reading
 * order. The canvas, the dialogs and the server all ask this.
 */
export function placeFor(doc: Y.Doc, kind: RegionKind, options: { near?: Point } = {}): Point {
	return placementSpace(doc, kind).place(options);
}

/** `p` itself when nothing but `except` is there, else the free slot nearest to it. */
export function freePlaceAt(doc: Y.Doc, kind: RegionKind, p: Point, except?: string): Point {
	const occupancy = placementSpace(doc, kind, except);
	const at = clampToRegion(p, kind);
	return occupancy.isFree(at) ? at : occupancy.place({ near: at });
}
