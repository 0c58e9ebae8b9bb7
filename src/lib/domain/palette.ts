/**
 * Note colours. Every background keeps the note text (#1b1b1f) at a contrast
 * ratio above 12:1, well past WCAG AA's 4.5:1; tests/unit/palette.test.ts checks it.
 */
export const NOTE_TEXT_COLOR = '#1b1b1f';

export const NOTE_COLORS = [
	{ id: 'yellow', background: '#fff3a8' },
	{ id: 'orange', background: '#ffdcbf' },
	{ id: 'pink', background: '#ffd6e5' },
	{ id: 'purple', background: '#e6dcff' },
	{ id: 'blue', background: '#d3e6ff' },
	{ id: 'green', background: '#d2f2cf' },
	{ id: 'grey', background: '#e8e8ea' }
] as const;

export type NoteColor = (typeof NOTE_COLORS)[number]['id'];
export const DEFAULT_NOTE_COLOR: NoteColor = 'yellow';

export function isNoteColor(value: unknown): value is NoteColor {
	return NOTE_COLORS.some((c) => c.id === value);
}

export function colorBackground(color: string): string {
	return (NOTE_COLORS.find((c) => c.id === color) ?? NOTE_COLORS[0]).background;
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
	const channel = (i: number) => {
		const v = parseInt(hex.slice(i, i + 2), 16) / 255;
		return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}
