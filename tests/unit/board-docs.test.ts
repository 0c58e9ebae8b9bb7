import { describe, expect, it } from 'vitest';
import { boardDocuments, countableSpan, groupDocuments, HiddenNotes } from '#lib/domain/board-docs.ts';
import { parseDocName } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import { anonymousCitationRef, citationRef } from '#lib/domain/notes.ts';
import type { MemberInfo } from '#lib/domain/practice.ts';

const practiceId = 'Pr4ctice_id-0001' as PracticeId;
const boardId = 'space-en-place' as BoardId;
const member = (id: string, role: MemberInfo['role'], extra: Partial<MemberInfo> = {}): MemberInfo => ({
	id: id as MemberId,
	name: id,
	role,
	joinedAt: 0,
	...extra
});
const anna = member('Anna_000001', 'participant');
const bram = member('Bram_000001', 'facilitator');
const olga = member('Olga_000001', 'observer');
const otto = member('Otto_000001', 'observer', { hadLane: true });

describe('a board\'s documents', () => {
	it('are the collective lane, the anonymous notes, then per lane owner a shared lane and a private document', () => {
		const docs = boardDocuments(practiceId, boardId, [anna, bram, olga, otto]);
		expect(docs.map((d) => [d.kind, d.owner?.name ?? null, d.lane])).toEqual([
			['collective', null, 'collective'],
			['anonymous', null, 'anonymous'],
			['lane', 'Anna_000001', 'lane:Anna_000001'],
			['private', 'Anna_000001', null],
			['lane', 'Bram_000001', 'lane:Bram_000001'],
			['private', 'Bram_000001', null],
			// An observer who once wrote keeps a lane; one who never did has none.
			['lane', 'Otto_000001', 'lane:Otto_000001'],
			['private', 'Otto_000001', null]
		]);
		// Every name is one the server serves, of the kind listed.
		for (const d of docs) expect(parseDocName(d.name)).toMatchObject({ kind: d.kind, practiceId, boardId });
	});

	it('that the group reads never include a private document', () => {
		const group = groupDocuments(boardDocuments(practiceId, boardId, [anna, bram]));
		expect(group.map((d) => d.kind)).toEqual(['collective', 'anonymous', 'lane', 'lane']);
		expect(group.some((d) => d.name.endsWith('/private'))).toBe(false);
	});
});

describe('notes hidden from the group', () => {
	const secret = 'Secret_note_01' as NoteId;
	const shared = 'Shared_note_01' as NoteId;
	const hidden = new HiddenNotes(new Map([[anna.id, new Set([secret])]]));

	it('are the lane notes private or anonymous now, only in their own lane', () => {
		expect(hidden.has('lane:Anna_000001', secret)).toBe(true);
		expect(hidden.has('lane:Anna_000001', shared)).toBe(false);
		expect(hidden.has('lane:Bram_000001', secret)).toBe(false);
		expect(hidden.has('collective', secret)).toBe(false);
	});

	it('take their citations with them, and leave every other citation in its order', () => {
		const cites = [citationRef(bram.id, shared), citationRef(anna.id, secret), anonymousCitationRef(secret), citationRef(anna.id, shared)];
		expect(hidden.visibleCites(cites)).toEqual([cites[0], cites[2], cites[3]]);
		const plain = [citationRef(bram.id, shared)];
		expect(hidden.visibleCites(plain)).toBe(plain);
	});
});

describe('counting notes for someone other than their author', () => {
	const HOUR = 3_600_000;
	const DAY = 24 * HOUR;
	const [collective, anonymous, lane, privat] = boardDocuments(practiceId, boardId, [anna]);
	const monday = 20_000 * DAY;
	const span = { from: monday + 9 * HOUR, to: monday + 2 * DAY + 15 * HOUR };

	it('counts the group\'s documents over the whole span, at once', () => {
		for (const d of [collective, anonymous, lane]) expect(countableSpan(d, span, monday + 10 * HOUR)).toEqual(span);
	});

	it('counts a private document by whole days only, those over by now', () => {
		// Tuesday noon: Monday is over, Tuesday is not.
		expect(countableSpan(privat, span, monday + DAY + 12 * HOUR)).toEqual({ from: monday, to: monday + DAY });
		// Long after: every day the span touches, Monday through Wednesday.
		expect(countableSpan(privat, span, monday + 10 * DAY)).toEqual({ from: monday, to: monday + 3 * DAY });
		// On the first day nothing is over yet.
		const first = countableSpan(privat, span, monday + 10 * HOUR);
		expect(first.from >= first.to).toBe(true);
	});
});
