import { describe, expect, it } from 'vitest';
import { NOTE_GAP, NOTE_H, NOTE_W, intersects, maxX, type Point, type RegionKind } from '#lib/domain/board-space.ts';
import { Occupancy } from '#lib/domain/placement.ts';
import { mulberry32 } from '../helpers/random.ts';

/**
 * Placement never puts a note over another, whatever the board looks like and
 * whatever happened before (notes added anywhere by hand, removed, placed), and
 * every replica computes the same place. Checked against a plain scan of all
 * notes, on many seeded random boards.
 */
const rect = (p: Point) => ({ x: p.x, y: p.y, w: NOTE_W, h: NOTE_H });
const covers = (notes: Map<string, Point>, p: Point, except?: string) =>
	[...notes].some(([id, q]) => id !== except && intersects({ ...rect(q), x: q.x + 0.5, y: q.y + 0.5, w: NOTE_W - 1, h: NOTE_H - 1 }, rect(p)));

/** The first free slot in reading order, by scanning everything. */
function firstFreeByScan(notes: Map<string, Point>, kind: RegionKind): Point {
	const cols = Math.floor((maxX(kind) - NOTE_GAP) / (NOTE_W + NOTE_GAP)) + 1;
	for (let row = 0; ; row++) {
		for (let col = 0; col < cols; col++) {
			const p = { x: NOTE_GAP + col * (NOTE_W + NOTE_GAP), y: NOTE_GAP + row * (NOTE_H + NOTE_GAP) };
			if (!covers(notes, p)) return p;
		}
	}
}

describe('placement on random boards', () => {
	for (const kind of ['member', 'collective'] as const) {
		it(`never overlaps and agrees with a full scan, over 40 seeds (${kind} lane)`, () => {
			for (let seed = 1; seed <= 40; seed++) {
				const random = mulberry32(seed);
				const notes = new Map<string, Point>();
				const space = new Occupancy(kind);
				let n = 0;
				for (let step = 0; step < 150; step++) {
					const r = random();
					if (r < 0.25) {
						// A person drops a note anywhere (overlaps allowed: they put it there).
						const p = { x: Math.floor(random() * maxX(kind)), y: Math.floor(random() * 1500) };
						const id = `hand${n++}`;
						notes.set(id, p);
						space.add(id, p);
					} else if (r < 0.4 && notes.size) {
						const ids = [...notes.keys()];
						const id = ids[Math.floor(random() * ids.length)];
						notes.delete(id);
						space.remove(id);
					} else if (r < 0.7) {
						const id = `auto${n++}`;
						const p = space.placeAndAdd(id);
						expect(p).toEqual(firstFreeByScan(notes, kind));
						notes.set(id, p);
					} else {
						const near = { x: random() * maxX(kind), y: random() * 1500 };
						const id = `near${n++}`;
						const p = space.placeAndAdd(id, { near });
						expect(covers(notes, p), `seed ${seed}, step ${step}`).toBe(false);
						notes.set(id, p);
					}
				}
				// Another replica that learns the same notes in another order places the next note in the same spot.
				const other = new Occupancy(kind, [...notes].reverse().map(([id, p]) => ({ id, ...p })));
				const near = { x: 500, y: 700 };
				expect(other.place()).toEqual(space.place());
				expect(other.place({ near })).toEqual(space.place({ near }));
			}
		});
	}
});
