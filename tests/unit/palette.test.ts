import { describe, expect, it } from 'vitest';
import {
	colorBackground,
	contrastRatio,
	DEFAULT_NOTE_COLOR,
	isNoteColor,
	luminance,
	NOTE_COLORS,
	NOTE_TEXT_COLOR
} from '#lib/domain/palette.ts';

describe('contrast', () => {
	it('follows WCAG 2: black on white is 21:1, a colour on itself 1:1', () => {
		expect(luminance('#000000')).toBe(0);
		expect(luminance('#ffffff')).toBeCloseTo(1, 10);
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
		expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 10);
		expect(contrastRatio('#777777', '#777777')).toBe(1);
	});

	it('matches known reference values', () => {
		// #767676 on white is the classic "just passes AA" grey (4.54:1); #777777 just fails (4.48:1).
		expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
		expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
		// Pure red on white: 4.0:1.
		expect(contrastRatio('#ff0000', '#ffffff')).toBeCloseTo(4.0, 1);
	});
});

describe('note colours', () => {
	it.each(NOTE_COLORS)('$id keeps note text readable (WCAG AA, ≥ 4.5:1)', ({ background }) => {
		expect(contrastRatio(background, NOTE_TEXT_COLOR)).toBeGreaterThanOrEqual(4.5);
	});

	it('keeps every background above the 12:1 the palette promises', () => {
		const ratios = NOTE_COLORS.map((c) => contrastRatio(c.background, NOTE_TEXT_COLOR));
		expect(Math.min(...ratios)).toBeGreaterThan(12);
	});

	it('has unique ids, #rrggbb backgrounds and a default that is one of them', () => {
		const ids = NOTE_COLORS.map((c) => c.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const c of NOTE_COLORS) expect(c.background).toMatch(/^#[0-9a-f]{6}$/);
		expect(isNoteColor(DEFAULT_NOTE_COLOR)).toBe(true);
	});

	it('recognises only palette ids and falls back to the first background for others', () => {
		expect(isNoteColor('blue')).toBe(true);
		expect(isNoteColor('evil')).toBe(false);
		expect(isNoteColor('#ff0000')).toBe(false);
		expect(isNoteColor(undefined)).toBe(false);
		expect(colorBackground('green')).toBe(NOTE_COLORS.find((c) => c.id === 'green')!.background);
		expect(colorBackground('evil')).toBe(NOTE_COLORS[0].background);
	});
});
