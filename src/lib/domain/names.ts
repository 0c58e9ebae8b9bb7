import unhomoglyph from 'unhomoglyph';

/**
 * Display names. Everyone sees them beside notes, in presence and the
 * history, so a name must not be able to pass for another member's: it is
 * normalised (NFC, trimmed, runs of white space as one space), may not hold
 * characters that are invisible or reorder text, and is unique within a
 * practice by its confusable skeleton (UTS #39), case-insensitively.
 */

/** NFC, trimmed, every run of white space (also no-break and ideographic spaces) one space. */
export function normalizeName(raw: string): string {
	// Unicode's white space, not JavaScript's \s, which also counts the invisible U+FEFF.
	return raw.normalize('NFC').replace(/\p{White_Space}+/gu, ' ').replace(/^ | $/g, '');
}

// Controls, format characters (bidi overrides and marks, zero-width space and joiners, soft hyphen,
// word joiner, BOM, tags), private use, unassigned and lone surrogates, and everything Unicode calls
// default-ignorable (fillers that render as nothing).
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const VARIATION_SELECTOR = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;

/** The first character a name may not contain, or null. A variation selector is fine right after the character it styles (❤️). */
export function hiddenCharacter(name: string): string | null {
	const chars = [...name];
	for (let i = 0; i < chars.length; i++) {
		const c = chars[i];
		if (VARIATION_SELECTOR.test(c)) {
			const base = chars[i - 1];
			if (base === undefined || base === ' ' || VARIATION_SELECTOR.test(base) || HIDDEN.test(base)) return c;
			continue;
		}
		if (HIDDEN.test(c)) return c;
	}
	return null;
}

/** U+XXXX, for messages that name a character nobody can see. */
export const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

const skeleton = (s: string): string => unhomoglyph(s.normalize('NFD')).normalize('NFD');

/**
 * What two names that look alike have in common: UTS #39 skeletons (NFD, each
 * character mapped by Unicode's confusables table, NFD again), taken of the
 * lower-cased name ("Anna", "anna" and "Аnna" with a Cyrillic А share one) and
 * lower-cased after the mapping (so a capital I and an l still meet).
 */
export function nameKeys(name: string): string[] {
	const n = normalizeName(name);
	return [skeleton(n.toLowerCase()), skeleton(n).toLowerCase()];
}

/** Whether `name` would pass for one of `taken`. */
export function looksLike(name: string, taken: readonly string[]): boolean {
	const keys = new Set(nameKeys(name));
	return taken.some((other) => nameKeys(other).some((k) => keys.has(k)));
}
