import { describe, expect, it } from 'vitest';
import { NOTE_GAP, NOTE_H, NOTE_W, intersects, noteRect, regionWidth, type Point } from '#lib/domain/board-space.ts';
import { fitScale, frameOf, placeViews, unionFrame } from '#lib/history/replay-layout.ts';
import type { NoteView } from '#lib/domain/history.ts';

const view = (id: string, at: Partial<Point> & { fx?: number; fy?: number }): NoteView => ({
	id,
	lane: 'collective',
	content: { type: 'doc' },
	text: id,
	color: 'yellow',
	x: at.fx ?? 0,
	y: at.fy ?? 0,
	...(at.x !== undefined && at.y !== undefined ? { px: at.x, py: at.y } : {}),
	createdAt: null,
	createdBy: null,
	loop: null,
	cites: []
});

describe('the past board in the live board’s layout', () => {
	it('places notes by their board units, so a row of ten collective notes covers nothing', () => {
		const row = Array.from({ length: 10 }, (_, i) => {
			const x = NOTE_GAP + i * (NOTE_W + NOTE_GAP);
			return view(`n${i}`, { x, y: NOTE_GAP, fx: x / (regionWidth('collective') - NOTE_W), fy: NOTE_GAP / 352 });
		});
		const placed = placeViews(row, 'collective');
		const rects = placed.map((p) => noteRect({ x: 0, y: 0 }, p.at));
		for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(intersects(rects[i], rects[j])).toBe(false);
		const frame = frameOf(
			placed.map((p) => p.at),
			'collective'
		);
		expect(frame).toEqual({ x: 0, y: 0, w: 10 * (NOTE_W + NOTE_GAP) + NOTE_GAP, h: NOTE_H + 2 * NOTE_GAP });
	});

	it('reads a note from before board units by its fractions', () => {
		const [p] = placeViews([view('old', { fx: 1, fy: 0 })], 'member');
		expect(p.at).toEqual({ x: regionWidth('member') - NOTE_W, y: 0 });
	});

	it('frames a paradox board over its whole width, two moments in one frame, and never scales up', () => {
		expect(frameOf([{ x: 600, y: 400 }], 'member', true)).toMatchObject({ x: 0, w: regionWidth('member') });
		expect(unionFrame({ x: 0, y: 0, w: 100, h: 50 }, { x: 20, y: 10, w: 200, h: 100 })).toEqual({ x: 0, y: 0, w: 220, h: 110 });
		expect(fitScale({ x: 0, y: 0, w: 1000, h: 10 }, 500)).toBe(0.5);
		expect(fitScale({ x: 0, y: 0, w: 1000, h: 10 }, 5000)).toBe(1);
	});
});
