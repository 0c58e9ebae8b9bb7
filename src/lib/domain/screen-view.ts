import type { Rect } from './board-space.ts';
import { intersects } from './board-space.ts';

/** Room kept around what the screen shows, in screen pixels. */
const PAD = 24;

/**
 * What the room's screen shows of someone's view (board units), as a
 * transform (screen = board × k + (x, y)). The whole view, centred, when it
 * fits at `minScale` or larger; else the screen is smaller than the view at a
 * readable size, and it shows the notes in the view: their bounding box
 * centred when it fits, otherwise from its top-left corner (where one starts
 * reading); with no notes in view, the view's middle.
 */
export function screenWindow(view: Rect, notes: readonly Rect[], width: number, height: number, minScale: number, maxScale: number): { x: number; y: number; k: number } {
	const room = { w: Math.max(1, width - 2 * PAD), h: Math.max(1, height - 2 * PAD) };
	const k = Math.min(maxScale, Math.max(minScale, Math.min(room.w / view.w, room.h / view.h)));
	const seen = notes.filter((n) => intersects(n, view));
	const centre = (r: Rect) => ({ x: width / 2 - (r.x + r.w / 2) * k, y: height / 2 - (r.y + r.h / 2) * k, k });
	if (view.w * k <= room.w + 0.5 && view.h * k <= room.h + 0.5) return centre(view);
	if (seen.length === 0) return centre(view);
	const x0 = Math.max(view.x, Math.min(...seen.map((n) => n.x)));
	const y0 = Math.max(view.y, Math.min(...seen.map((n) => n.y)));
	const x1 = Math.min(view.x + view.w, Math.max(...seen.map((n) => n.x + n.w)));
	const y1 = Math.min(view.y + view.h, Math.max(...seen.map((n) => n.y + n.h)));
	const box = { x: x0, y: y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
	const t = centre(box);
	// Too wide or too tall for the screen: start at its left or top edge.
	if (box.w * k > room.w) t.x = PAD - box.x * k;
	if (box.h * k > room.h) t.y = PAD - box.y * k;
	return t;
}
