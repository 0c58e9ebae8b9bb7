import { describe, expect, it } from 'vitest';
import { screenWindow } from '#lib/domain/screen-view.ts';

/** What the room's screen shows of a followed view when it cannot show all of it at a readable size. */
const W = 1920;
const H = 1000;
const MIN = 2.2;
const visible = (t: { x: number; y: number; k: number }) => ({ x: -t.x / t.k, y: -t.y / t.k, w: W / t.k, h: H / t.k });
const inside = (outer: { x: number; y: number; w: number; h: number }, r: { x: number; y: number; w: number; h: number }) =>
	r.x >= outer.x && r.y >= outer.y && r.x + r.w <= outer.x + outer.w && r.y + r.h <= outer.y + outer.h;

describe('screenWindow', () => {
	it('shows a small view whole and centred, as large as fits', () => {
		const view = { x: 100, y: 100, w: 400, h: 200 };
		const t = screenWindow(view, [], W, H, MIN, 3);
		expect(t.k).toBeGreaterThan(MIN);
		expect(inside(visible(t), view)).toBe(true);
	});

	it('never goes below the readable scale: a large view shows the notes in it', () => {
		const view = { x: 0, y: 0, w: 1300, h: 640 };
		const note = { x: 16, y: 88, w: 240, h: 160 };
		const t = screenWindow(view, [note, { x: 5000, y: 5000, w: 240, h: 160 }], W, H, MIN, 3);
		expect(t.k).toBe(MIN);
		expect(inside(visible(t), note)).toBe(true);
	});

	it('notes spread wider than the screen: from their top-left corner', () => {
		const view = { x: 0, y: 0, w: 2600, h: 1300 };
		const first = { x: 100, y: 100, w: 240, h: 160 };
		const t = screenWindow(view, [first, { x: 2300, y: 1100, w: 240, h: 160 }], W, H, MIN, 3);
		expect(inside(visible(t), first)).toBe(true);
	});

	it('no notes in a large view: its middle', () => {
		const view = { x: 0, y: 0, w: 2000, h: 1000 };
		const t = screenWindow(view, [], W, H, MIN, 3);
		const v = visible(t);
		expect(v.x + v.w / 2).toBeCloseTo(1000);
		expect(v.y + v.h / 2).toBeCloseTo(500);
	});
});
