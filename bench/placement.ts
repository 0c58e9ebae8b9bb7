/**
 * Placement on a large lane (issue 11: "placing a new note on a lane with
 * 2,000 notes"). Prints figures, no thresholds:
 *   - building the spatial index of a lane from its document (occupancyOf);
 *   - placing one new note with the index built once (reading order, and next
 *     to a related note), then recording it;
 *   - placeFor: build + place, what a client does for one bring-in.
 * Run alone with `node bench/placement.ts`; `npm run bench` runs it too.
 */
import * as Y from 'yjs';
import { pathToFileURL } from 'node:url';
import { createNote } from '#lib/domain/notes.ts';
import { occupancyOf, placeFor } from '#lib/domain/lane-space.ts';
import { maxX } from '#lib/domain/board-space.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { percentile } from './stats.ts';

export const PLACEMENT_PLAN = { notes: 2000, builds: 50, placements: 2000, placeFors: 50 } as const;

export interface Figures {
	readonly p50: number;
	readonly p95: number;
	readonly max: number;
}

export interface PlacementResult {
	readonly notes: number;
	readonly buildIndexMs: Figures;
	readonly placeMs: Figures;
	readonly placeNearMs: Figures;
	readonly placeForMs: Figures;
}

const figures = (samples: number[]): Figures => {
	const sorted = [...samples].sort((a, b) => a - b);
	return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
};

/** A collective lane with `n` notes: most placed in reading order, a fifth put anywhere by hand, as on a real board. */
function boardWith(n: number): Y.Doc {
	const doc = new Y.Doc();
	let seed = 11;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	const space = occupancyOf(doc, 'collective');
	doc.transact(() => {
		for (let i = 0; i < n; i++) {
			const id = `note-${String(i).padStart(10, '0')}`;
			const p = i % 5 === 4 ? { x: Math.floor(random() * maxX('collective')), y: Math.floor(random() * 30_000) } : space.place();
			space.add(id, p);
			createNote(doc, { id: id as NoteId, createdBy: null, at: 0, text: `note ${i}`, place: { ...p, kind: 'collective' } });
		}
	});
	return doc;
}

const time = (fn: () => void): number => {
	const t0 = performance.now();
	fn();
	return performance.now() - t0;
};

export function benchPlacement(plan = PLACEMENT_PLAN): PlacementResult {
	const doc = boardWith(plan.notes);
	const builds = Array.from({ length: plan.builds }, () => time(() => occupancyOf(doc, 'collective')));
	const space = occupancyOf(doc, 'collective');
	const place = Array.from({ length: plan.placements }, (_, i) => time(() => space.placeAndAdd(`new${i}`)));
	const near = Array.from({ length: plan.placements }, (_, i) => time(() => space.placeAndAdd(`near${i}`, { near: { x: (i * 97) % 2000, y: (i * 389) % 40_000 } })));
	const placeFors = Array.from({ length: plan.placeFors }, () => time(() => placeFor(doc, 'collective')));
	return { notes: plan.notes, buildIndexMs: figures(builds), placeMs: figures(place), placeNearMs: figures(near), placeForMs: figures(placeFors) };
}

export function printPlacement(r: PlacementResult, log: (line: string) => void = console.log): void {
	const row = (what: string, f: Figures) => log(`  ${what.padEnd(46)} p50 ${f.p50.toFixed(3)} ms   p95 ${f.p95.toFixed(3)} ms   max ${f.max.toFixed(2)} ms`);
	log(`Placement on a lane with ${r.notes.toLocaleString('en')} notes:`);
	row('build the index from the document', r.buildIndexMs);
	row('place one note, reading order (index built)', r.placeMs);
	row('place one note next to a related one', r.placeNearMs);
	row('placeFor (build + place, one bring-in)', r.placeForMs);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const result = benchPlacement();
	printPlacement(result);
	console.log(JSON.stringify({ bench: 'placement', ...result }));
}
