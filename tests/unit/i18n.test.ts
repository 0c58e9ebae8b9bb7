import { describe, expect, it } from 'vitest';
import { nl } from '#lib/i18n/nl.ts';
import { en } from '#lib/i18n/en.ts';
import { locale, setLanguage, t } from '#lib/i18n/index.svelte.ts';

function keys(obj: object, prefix = ''): string[] {
	return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('message catalogues', () => {
	it('have the same keys in Dutch and English, none empty', () => {
		expect(keys(en).sort()).toEqual(keys(nl).sort());
		for (const catalogue of [nl, en]) {
			for (const key of keys(catalogue)) {
				const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], catalogue);
				expect(value, key).not.toBe('');
			}
		}
	});

	it('speak Dutch by default, English on request, with plurals and interpolation', () => {
		expect(locale.current).toBe('nl');
		expect(t('board.collectiveLane')).toBe('Samen');
		expect(t('status.unsaved', { count: 1 })).toBe('1 notitie nog niet opgeslagen');
		expect(t('status.unsaved', { count: 3 })).toBe('3 notities nog niet opgeslagen');
		const counts = (notes: number, people: number) =>
			t('round.counts', { notes: t('round.notes', { count: notes }), people: t('round.people', { count: people }) });
		expect(counts(1, 1)).toBe('1 notitie van 1 persoon');
		expect(counts(3, 2)).toBe('3 notities van 2 mensen');
		expect(t('board.laneOf', { name: 'Anna' })).toBe('Notities van Anna');
		setLanguage('en');
		expect(t('board.laneOf', { name: 'Piet' })).toBe('Piet’s notes');
		expect(t('status.unsaved', { count: 2 })).toBe('2 notes not saved yet');
		expect(t('round.counts', { notes: t('round.notes', { count: 1 }), people: t('round.people', { count: 1 }) })).toBe('1 note from 1 person');
		setLanguage('nl');
	});

	it('never shows a raw key for a translated string', () => {
		for (const key of keys(nl)) {
			const base = key.replace(/_(one|other)$/, '');
			expect(t(base, { count: 2, name: 'x', author: 'x', lane: 'x', practice: 'x', text: 'x', left: 'a', right: 'b', percent: 1, pole: 'p', role: 'r' })).not.toBe(base);
		}
	});
});
