import { NOTE_GAP, NOTE_H, NOTE_W, type Point, type Rect } from './board-space.ts';
import type { Occupancy } from './placement.ts';

/**
 * Where an affinity cluster of the collective lane is drawn (arrange.ts): a
 * frame round its notes, wherever people moved them, with room above them for
 * its name; an empty cluster is one note's place at its corner. Placement
 * keeps frames free, so a note placed by the program never seems to be in a
 * group it is not in.
 */

/** Room above a cluster's notes for its name. */
export const CLUSTER_HEADER = 48;
/** A frame reaches this far past its notes: less than half the gap between notes, so groups side by side in a grid stay apart. */
export const FRAME_PAD = NOTE_GAP / 2 - 3;

/** A cluster's frame in its region, from its corner and its notes' places. */
export function frameRect(corner: Point, members: readonly Point[]): Rect {
	if (members.length === 0) return { x: corner.x - FRAME_PAD, y: corner.y, w: NOTE_W + 2 * FRAME_PAD, h: NOTE_H };
	let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
	for (const p of members) {
		x0 = Math.min(x0, p.x);
		y0 = Math.min(y0, p.y);
		x1 = Math.max(x1, p.x);
		y1 = Math.max(y1, p.y);
	}
	return { x: x0 - FRAME_PAD, y: y0 - CLUSTER_HEADER, w: x1 - x0 + NOTE_W + 2 * FRAME_PAD, h: y1 - y0 + NOTE_H + CLUSTER_HEADER + FRAME_PAD };
}

/** Marks frames as taken in a lane's occupancy: note-sized blocks that tile each one. */
export function reserveFrames(space: Occupancy, frames: readonly Rect[]): void {
	frames.forEach((f, i) => {
		for (let dx = 0; dx < f.w; dx += NOTE_W)
			for (let dy = 0; dy < f.h; dy += NOTE_H)
				space.add(`frame:${i}:${dx}:${dy}`, { x: f.x + Math.min(dx, Math.max(0, f.w - NOTE_W)), y: f.y + Math.min(dy, Math.max(0, f.h - NOTE_H)) });
	});
}
