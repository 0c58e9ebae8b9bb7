import { describe, expect, it } from 'vitest';
import { Viewport } from '#lib/components/canvas/viewport.svelte.ts';

/** A view of a canvas this size, not attached to an element (as before the first gesture). */
function view(width: number, height: number): Viewport {
	const v = new Viewport();
	v.width = width;
	v.height = height;
	return v;
}

describe('the opening view', () => {
	it('puts the same board point at the top-left corner of every screen, scaled to the screen between the bounds', () => {
		const corner = { x: -40, y: 10 };
		const laptop = view(1366, 656);
		const room = view(1920, 950);
		const phone = view(390, 650);
		for (const v of [laptop, room, phone]) v.open(corner, 1296, 1, 1.6);
		// Screen = board × k + t: the corner lands at the padding on every screen.
		for (const v of [laptop, room, phone]) {
			expect(v.toScreen(corner).x).toBeCloseTo(24, 9);
			expect(v.toScreen(corner).y).toBeCloseTo(24, 9);
		}
		// The span across the screen when the bounds allow; never below full size, never above the largest.
		expect(room.k).toBeCloseTo((1920 - 48) / 1296, 10);
		expect(laptop.k).toBeCloseTo((1366 - 48) / 1296, 10);
		expect(phone.k).toBe(1);
		const wide = view(3840, 2000);
		wide.open(corner, 1296, 1, 1.6);
		expect(wide.k).toBe(1.6);
	});

	it('waits for a size', () => {
		const v = view(0, 0);
		v.open({ x: 100, y: 100 }, 1296, 1, 1.6);
		expect({ x: v.x, y: v.y, k: v.k }).toEqual({ x: 0, y: 0, k: 1 });
	});
});
