import { describe, expect, it } from 'vitest';
import {
	COLLECTIVE_W,
	LANE_W,
	NOTE_H,
	NOTE_W,
	REGION_GAP,
	REGION_MIN_H,
	axisPosition,
	intersects,
	layoutRegions,
	legacyFractions,
	maxX,
	notePosition,
	noteRect
} from '#lib/domain/board-space.ts';
import { Occupancy } from '#lib/domain/placement.ts';
import { mulberry32 } from '../helpers/random.ts';

describe('board space', () => {
	it('reads old fractions as places in a lane of the old shape, keeping order, grouping and the axis', () => {
		const old = [
			{ x: 0, y: 0 },
			{ x: 0.5, y: 0.2 },
			{ x: 0.52, y: 0.22 },
			{ x: 1, y: 1 }
		];
		const now = old.map((n) => notePosition(n, 'member'));
		// Reading order is kept.
		for (let i = 1; i < now.length; i++) expect(now[i].y).toBeGreaterThanOrEqual(now[i - 1].y);
		// What was close stays close; what was apart stays apart.
		expect(Math.hypot(now[2].x - now[1].x, now[2].y - now[1].y)).toBeLessThan(NOTE_W / 2);
		expect(now[3]).toEqual({ x: maxX('member'), y: expect.any(Number) });
		// A note's place between the poles means the same.
		for (const n of old) expect(axisPosition(notePosition(n, 'member'), 'member')).toBeCloseTo(n.x, 2);
		for (const n of old) expect(axisPosition(notePosition(n, 'collective'), 'collective')).toBeCloseTo(n.x, 2);
		// Board units win when a note has them; the fractions written beside them read back to the same axis place.
		expect(notePosition({ px: 300, py: 900, ...legacyFractions({ x: 300, y: 900 }, 'member') }, 'member')).toEqual({ x: 300, y: 900 });
		const f = legacyFractions({ x: 300, y: 100 }, 'member');
		expect(notePosition(f, 'member').x).toBeCloseTo(300, 0);
	});

	it('lays out the same surface from the same data, with the private lane beside it', () => {
		const lanes = [
			{ key: 'collective', kind: 'collective' as const, reach: 0 },
			{ key: 'anonymous', kind: 'anonymous' as const, reach: 2000 },
			{ key: 'a', kind: 'member' as const, reach: 0 },
			{ key: 'b', kind: 'member' as const, reach: 10 }
		];
		const shared = layoutRegions(lanes);
		const withPrivate = layoutRegions([...lanes, { key: 'private', kind: 'private', reach: 5000 }]);
		for (const r of shared) expect(withPrivate.find((w) => w.key === r.key)).toEqual(r);
		const byKey = new Map(withPrivate.map((r) => [r.key, r]));
		expect(byKey.get('collective')).toMatchObject({ x: 0, y: 0, w: COLLECTIVE_W, h: REGION_MIN_H });
		expect(byKey.get('private')!.x + LANE_W + REGION_GAP).toBe(0);
		// A row is as tall as its tallest lane; the next row starts below it.
		expect(byKey.get('a')!.h).toBe(byKey.get('anonymous')!.h);
		expect(byKey.get('b')!.y).toBeGreaterThanOrEqual(byKey.get('a')!.y + byKey.get('a')!.h + REGION_GAP);
		for (const a of withPrivate) for (const b of withPrivate) if (a !== b) expect(intersects(a, b)).toBe(false);
	});
});

describe('placement', () => {
	it('never places a note over another, wherever the others are, and says the same on every replica', () => {
		const random = mulberry32(7);
		for (let round = 0; round < 20; round++) {
			const existing = Array.from({ length: 60 }, (_, i) => ({ id: `n${i}`, x: Math.floor(random() * maxX('member')), y: Math.floor(random() * 2000) }));
			const a = new Occupancy('member', existing);
			const b = new Occupancy('member', [...existing].reverse());
			for (let i = 0; i < 30; i++) {
				const near = i % 2 ? { x: random() * 1000, y: random() * 2000 } : undefined;
				const pa = a.placeAndAdd(`new${i}`, { near });
				const pb = b.placeAndAdd(`new${i}`, { near });
				expect(pa).toEqual(pb);
				expect(a.overlapping(pa, `new${i}`)).toEqual([]);
				expect(pa.x).toBeGreaterThanOrEqual(0);
				expect(pa.x).toBeLessThanOrEqual(maxX('member'));
			}
			expect(a.size).toBe(90);
		}
	});

	it('fills in reading order, and places next to a related note when asked', () => {
		const o = new Occupancy('member');
		const first = o.placeAndAdd('a');
		const second = o.placeAndAdd('b');
		expect(second.y).toBe(first.y);
		expect(second.x).toBeGreaterThan(first.x);
		const far = o.placeAndAdd('c', { near: { x: 800, y: 1200 } });
		expect(Math.abs(far.y - 1200)).toBeLessThan(NOTE_H);
		const next = o.placeAndAdd('d', { near: far });
		expect(intersects(noteRect({ x: 0, y: 0 }, next), noteRect({ x: 0, y: 0 }, far))).toBe(false);
		expect(Math.hypot(next.x - far.x, next.y - far.y)).toBeLessThan(2 * (NOTE_W + NOTE_H));
	});
});
