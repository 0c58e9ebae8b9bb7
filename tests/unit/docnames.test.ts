import { describe, expect, it } from 'vitest';
import {
	collectiveDoc,
	formatDocName,
	laneDoc,
	parseDocName,
	practiceDoc,
	type DocName
} from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

const practiceId = 'Pr4ctice_id-0001' as PracticeId;
const memberId = 'Member-id_00001' as MemberId;
const boardId = 'space-en-place' as BoardId;

const valid: DocName[] = [
	{ kind: 'practice', practiceId },
	{ kind: 'collective', practiceId, boardId },
	{ kind: 'lane', practiceId, boardId, memberId },
	// The extremes of what ids and slugs allow.
	{ kind: 'lane', practiceId: 'a'.repeat(32) as PracticeId, boardId: 'b'.repeat(40) as BoardId, memberId: '-'.repeat(10) as MemberId },
	{ kind: 'collective', practiceId: '__________' as PracticeId, boardId: 'x' as BoardId }
];

describe('document names', () => {
	it.each(valid)('round-trips $kind names', (name) => {
		const raw = formatDocName(name);
		expect(parseDocName(raw)).toEqual(name);
		expect(formatDocName(parseDocName(raw)!)).toBe(raw);
	});

	it('has one spelling for each kind', () => {
		expect(practiceDoc(practiceId)).toBe('practice/Pr4ctice_id-0001');
		expect(collectiveDoc(practiceId, boardId)).toBe('practice/Pr4ctice_id-0001/board/space-en-place/collective');
		expect(laneDoc(practiceId, boardId, memberId)).toBe('practice/Pr4ctice_id-0001/board/space-en-place/lane/Member-id_00001');
	});

	const P = practiceId;
	const M = memberId;
	const refused: [string, string][] = [
		['empty', ''],
		['only the prefix', 'practice'],
		['another prefix', `board/${P}`],
		['capitalised prefix', `Practice/${P}`],
		['leading slash', `/practice/${P}`],
		['trailing slash', `practice/${P}/`],
		['double slash', `practice//${P}`],
		['path traversal in the practice', 'practice/../../etc/passwd'],
		['path traversal after the practice', `practice/${P}/../${P}`],
		['path traversal as board', `practice/${P}/board/../collective`],
		['encoded slash', `practice/${P}%2Fboard`],
		['practice id too short', 'practice/abcdefghi'],
		['practice id too long', `practice/${'a'.repeat(33)}`],
		['practice id with a dot', 'practice/abcdefghij.k'],
		['practice id with a space', 'practice/abcdefghij k'],
		['practice id with a NUL', 'practice/abcdefghij\0k'],
		['practice id with a non-ASCII letter', 'practice/abcdefghijé'],
		['board without a slug', `practice/${P}/board`],
		['board without a lane kind', `practice/${P}/board/intentie`],
		['wrong segment name', `practice/${P}/boards/intentie/collective`],
		['uppercase slug', `practice/${P}/board/Intentie/collective`],
		['slug starting with a digit', `practice/${P}/board/1ntentie/collective`],
		['slug starting with a dash', `practice/${P}/board/-intentie/collective`],
		['slug with an underscore', `practice/${P}/board/space_en_place/collective`],
		['slug too long', `practice/${P}/board/${'a'.repeat(41)}/collective`],
		['empty slug', `practice/${P}/board//collective`],
		['unknown lane kind', `practice/${P}/board/intentie/private`],
		['collective with an extra segment', `practice/${P}/board/intentie/collective/${M}`],
		['lane without a member', `practice/${P}/board/intentie/lane`],
		['lane with an empty member', `practice/${P}/board/intentie/lane/`],
		['lane with a short member id', `practice/${P}/board/intentie/lane/short`],
		['lane with a member id too long', `practice/${P}/board/intentie/lane/${'m'.repeat(33)}`],
		['lane with traversal as member', `practice/${P}/board/intentie/lane/..`],
		['lane with an extra segment', `practice/${P}/board/intentie/lane/${M}/x`],
		['too long overall', `practice/${P}/board/intentie/lane/${M}`.padEnd(201, 'x')]
	];

	it.each(refused)('refuses %s', (_, raw) => {
		expect(parseDocName(raw)).toBeNull();
	});

	it('refuses very long names', () => {
		const longButShaped = `practice/${'a'.repeat(200)}`;
		expect(longButShaped.length).toBeGreaterThan(200);
		expect(parseDocName(longButShaped)).toBeNull();
	});
});
