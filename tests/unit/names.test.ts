import { describe, expect, it } from 'vitest';
import { codePoint, hiddenCharacter, looksLike, nameKeys, normalizeName } from '#lib/domain/names.ts';

describe('display names', () => {
	it('are normalised: NFC, trimmed, one space between words', () => {
		expect(normalizeName('  Jose\u0301\u00A0 de\tVries\u3000')).toBe('José de Vries');
		expect(normalizeName('Jose\u0301')).toBe('Jos\u00e9');
	});

	it.each([
		['a right-to-left override', 'Anna\u202Egnir'],
		['a left-to-right mark', 'Anna\u200E'],
		['an isolate', '\u2066Anna\u2069'],
		['the Arabic letter mark', 'Anna\u061C'],
		['a zero-width space', 'An\u200Bna'],
		['a zero-width joiner', 'An\u200Dna'],
		['a word joiner', 'An\u2060na'],
		['a byte order mark', '\uFEFFAnna'],
		['a soft hyphen', 'An\u00ADna'],
		['a tag character', 'Anna\u{E0041}'],
		['a lone variation selector', '\uFE0FAnna'],
		['a Hangul filler', 'Anna\u3164'],
		['a control character', 'Anna\u0007'],
		['a C1 control', 'An\u0080na']
	])('may not hold %s', (_, name) => {
		expect(hiddenCharacter(normalizeName(name))).not.toBeNull();
	});

	it('may hold letters of any script, accents, apostrophes and an emoji with its variation selector', () => {
		for (const name of ['Zoë van den Berg', "D'Artagnan", 'Анна', 'محمد', '李小龍', 'Anna ❤️', 'Ægir Øster-Åsen']) {
			expect(hiddenCharacter(normalizeName(name)), name).toBeNull();
		}
	});

	it('names the character it refuses by its code point', () => {
		expect(codePoint(hiddenCharacter('An\u202Ena')!)).toBe('U+202E');
	});

	it('look alike when they differ only in case or by confusable letters', () => {
		expect(looksLike('anna', ['Anna'])).toBe(true);
		expect(looksLike('ANNA', ['Anna'])).toBe(true);
		// Cyrillic А (U+0410) and Greek Α (U+0391) for the Latin A.
		expect(looksLike('\u0410nna', ['Anna'])).toBe(true);
		expect(looksLike('\u0391nna', ['Anna'])).toBe(true);
		expect(looksLike('Ilse', ['llse'])).toBe(true);
		expect(looksLike('Deelnemer 1', ['Deelnemer l'])).toBe(true);
		expect(looksLike(' Anna  ', ['Anna'])).toBe(true);
		expect(nameKeys('Anna')).toEqual(nameKeys('\u0410nna'));
	});

	it('do not look alike when they are different names', () => {
		expect(looksLike('Anna', ['Anne', 'Hanna', 'Ann', 'Anna B.'])).toBe(false);
		expect(looksLike('Deelnemer 1', ['Deelnemer 2'])).toBe(false);
	});
});
