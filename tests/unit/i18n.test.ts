import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

	it('has every key the code asks for: a typo would show the raw key to the user', () => {
		const known = new Set(keys(nl).map((k) => k.replace(/_(one|other)$/, '')));
		const isGroup = (path: string) => {
			const value = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), nl);
			return !!value && typeof value === 'object';
		};
		const files = ['src', 'server'].flatMap((dir) =>
			(readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(ts|svelte)$/.test(f)).map((f) => join(dir, f))
		);
		const missing: string[] = [];
		let literal = 0;
		let prefixed = 0;
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			// t('a.b') and t("a.b"): the key itself.
			for (const [, key] of text.matchAll(/\bt\(\s*['"]([A-Za-z0-9_.]+)['"]/g)) {
				literal++;
				if (!known.has(key)) missing.push(`${file}: ${key}`);
			}
			// t(`a.b.${x}`): the group the variable part picks from.
			for (const [, group] of text.matchAll(/\bt\(\s*`([A-Za-z0-9_.]+)\.\$\{/g)) {
				prefixed++;
				if (!isGroup(group)) missing.push(`${file}: ${group}.*`);
			}
		}
		expect(literal).toBeGreaterThan(500);
		expect(prefixed).toBeGreaterThan(20);
		expect(missing).toEqual([]);
	});
});
