import { describe, expect, it } from 'vitest';
import { EMPTY_QUERY, findNotes, isActive, normalize, type Findable } from '#lib/domain/find.ts';

const notes: Findable[] = [
	{ lane: 'collective', id: 'c1', text: 'Wat we van de wijk leerden', author: 'anna', color: 'yellow', loop: null },
	{ lane: 'anna', id: 'a1', text: 'Creatíef  omgaan met regels', author: 'anna', color: 'green', loop: 'waarom' },
	{ lane: 'bo', id: 'b1', text: 'Regels volgen, of de bedoeling?', author: 'bo', color: 'yellow', loop: 'hoe' },
	{ lane: 'anonymous', id: 'x1', text: 'Ik durf niet te zeggen dat de regels knellen', author: null, color: 'pink', loop: null }
];

describe('finding notes', () => {
	it('finds nothing and is inactive without a query', () => {
		expect(isActive(EMPTY_QUERY)).toBe(false);
		expect(isActive({ ...EMPTY_QUERY, text: '   ' })).toBe(false);
		expect(findNotes(notes, EMPTY_QUERY)).toEqual([]);
	});

	it('matches every word, in any order, ignoring case, accents and extra spaces, in reading order', () => {
		expect(normalize('  Creatíef  OMGAAN ')).toBe('creatief omgaan');
		expect(findNotes(notes, { ...EMPTY_QUERY, text: 'regels' }).map((m) => m.id)).toEqual(['a1', 'b1', 'x1']);
		expect(findNotes(notes, { ...EMPTY_QUERY, text: 'REGELS creatief' })).toEqual([{ lane: 'anna', id: 'a1' }]);
		expect(findNotes(notes, { ...EMPTY_QUERY, text: 'wijk fietsen' })).toEqual([]);
	});

	it('filters by person, never matching an anonymous note', () => {
		expect(findNotes(notes, { ...EMPTY_QUERY, person: 'anna' }).map((m) => m.id)).toEqual(['c1', 'a1']);
		expect(findNotes(notes, { ...EMPTY_QUERY, person: 'bo', text: 'regels' }).map((m) => m.id)).toEqual(['b1']);
	});

	it('filters by colour, learning loop and news, combined with words', () => {
		expect(findNotes(notes, { ...EMPTY_QUERY, color: 'yellow' }).map((m) => m.id)).toEqual(['c1', 'b1']);
		expect(findNotes(notes, { ...EMPTY_QUERY, loop: 'waarom' }).map((m) => m.id)).toEqual(['a1']);
		expect(findNotes(notes, { ...EMPTY_QUERY, fresh: true }, new Set(['b1', 'x1'])).map((m) => m.id)).toEqual(['b1', 'x1']);
		expect(findNotes(notes, { ...EMPTY_QUERY, fresh: true, text: 'knellen' }, new Set(['b1', 'x1'])).map((m) => m.id)).toEqual(['x1']);
	});
});
