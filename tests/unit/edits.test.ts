import { describe, expect, it } from 'vitest';
import { activity, EDIT_PAUSE_MS, groupEdits, meetingAt, type Change, type NoteFact } from '#lib/domain/edits.ts';
import type { LaneKey } from '#lib/domain/history.ts';

const t0 = Date.UTC(2026, 11, 1, 14, 0);
const anna = { memberId: 'anna', name: 'Anna' };
const bob = { memberId: 'bob', name: 'Bob' };

function fact(id: string, over: Partial<NoteFact> = {}): NoteFact {
	return { id, kind: 'changed', text: true, moved: false, cited: false, excerpt: `text of ${id}`, ...over };
}

let seq = 0;
function change(by: Change['by'], at: number | null, notes: NoteFact[], lane: LaneKey = 'collective'): Change {
	return { seq: ++seq, at, lane, by, notes };
}

describe('grouping changes into edits', () => {
	it('keeps one person typing in one note as one edit, and a pause longer than the limit starts another', () => {
		seq = 0;
		const edits = groupEdits([
			change(anna, t0, [fact('n1', { kind: 'created', text: true })]),
			change(anna, t0 + 1000, [fact('n1')]),
			change(anna, t0 + 1001 + EDIT_PAUSE_MS, [fact('n1')]),
			change(anna, t0 + 2000 + EDIT_PAUSE_MS, [fact('n1')]),
			change(anna, t0 + 3000 + 2 * EDIT_PAUSE_MS + 1, [fact('n1', { excerpt: 'Regels van de gemeente' })])
		]);
		expect(edits.map((e) => [e.from, e.seq, e.changes, e.verb])).toEqual([
			[1, 2, 2, 'wrote'],
			[3, 4, 2, 'rewrote'],
			[5, 5, 1, 'rewrote']
		]);
		expect(edits[2]).toMatchObject({ by: anna, note: 'n1', excerpt: 'Regels van de gemeente', at: t0 + 3000 + 2 * EDIT_PAUSE_MS + 1 });
	});

	it('splits when another person changes the same note, not when they write elsewhere meanwhile', () => {
		seq = 0;
		const edits = groupEdits([
			change(anna, t0, [fact('n1')]),
			change(bob, t0 + 1000, [fact('n2', { kind: 'created' })], 'lane:bob'),
			change(anna, t0 + 2000, [fact('n1')]),
			change(bob, t0 + 3000, [fact('n1')]),
			change(anna, t0 + 4000, [fact('n1')])
		]);
		expect(edits.map((e) => [e.by === null || e.by === 'anonymous' ? e.by : e.by.name, e.note, e.from, e.seq])).toEqual([
			['Bob', 'n2', 2, 2],
			['Anna', 'n1', 1, 3],
			['Bob', 'n1', 4, 4],
			['Anna', 'n1', 5, 5]
		]);
		// Ordered by their last change: the moments shown only move forward.
		expect(edits.map((e) => e.seq)).toEqual([...edits.map((e) => e.seq)].sort((a, b) => a - b));
	});

	it('splits at a mark: no edit spans the end of a meeting', () => {
		seq = 0;
		const changes = [change(anna, t0, [fact('n1')]), change(anna, t0 + 1000, [fact('n1')]), change(anna, t0 + 2000, [fact('n1')])];
		expect(groupEdits(changes).map((e) => [e.from, e.seq])).toEqual([[1, 3]]);
		expect(groupEdits(changes, EDIT_PAUSE_MS, [2]).map((e) => [e.from, e.seq])).toEqual([
			[1, 2],
			[3, 3]
		]);
	});

	it('splits when the same person goes on to another note', () => {
		seq = 0;
		const edits = groupEdits([change(anna, t0, [fact('n1')]), change(anna, t0 + 1000, [fact('n2')]), change(anna, t0 + 2000, [fact('n2')])]);
		expect(edits.map((e) => [e.note, e.changes])).toEqual([
			['n1', 1],
			['n2', 2]
		]);
	});

	it('never attributes or times anonymous changes, and groups them only with the change right before', () => {
		seq = 0;
		const edits = groupEdits([
			change('anonymous', null, [fact('a1', { kind: 'created' })], 'anonymous'),
			change('anonymous', null, [fact('a1')], 'anonymous'),
			change(anna, t0, [fact('n1')]),
			change('anonymous', null, [fact('a1')], 'anonymous'),
			change(anna, t0 + 1000, [fact('a1')]),
			change('anonymous', null, [fact('a1')], 'anonymous')
		]);
		const anonymous = edits.filter((e) => e.lane === 'anonymous');
		expect(anonymous.map((e) => [e.from, e.seq, e.changes])).toEqual([
			[1, 2, 2],
			[4, 4, 1],
			[6, 6, 1]
		]);
		for (const e of anonymous) expect(e).toMatchObject({ by: 'anonymous', at: null });
		// A named change of the anonymous note never joins an anonymous edit, nor the other way round.
		expect(edits.find((e) => e.seq === 5)).toMatchObject({ by: anna, from: 5, changes: 1 });
	});

	it('names what was done: wrote, rewrote, moved, removed, brought in', () => {
		seq = 0;
		const verbs = groupEdits([
			change(anna, t0, [fact('w', { kind: 'created' })]),
			change(anna, t0, [fact('r')]),
			change(anna, t0, [fact('m', { text: false, moved: true })]),
			change(anna, t0, [fact('d', { kind: 'removed', text: false, excerpt: 'gone' })]),
			change(anna, t0, [fact('b', { kind: 'created', cited: true })]),
			change(bob, t0, [fact('t', { kind: 'removed', text: false })], 'lane:bob'),
			change(bob, t0, [fact('t', { kind: 'created' })], 'collective'),
			change(bob, t0, [fact('c', { text: false })])
		]).map((e) => [e.note, e.verb]);
		expect(verbs).toEqual([
			['w', 'wrote'],
			['r', 'rewrote'],
			['m', 'moved'],
			['d', 'removed'],
			['b', 'broughtIn'],
			['t', 'moved'],
			['c', 'changed']
		]);
	});

	it('groups 50,000 changes without trouble and counts every change once', () => {
		seq = 0;
		const changes: Change[] = [];
		for (let i = 0; i < 50_000; i++) changes.push(change(i % 3 === 0 ? bob : anna, t0 + i * 500, [fact(`${i % 3 === 0 ? 'b' : 'a'}${Math.floor(i / 40)}`)]));
		const edits = groupEdits(changes);
		expect(edits.reduce((n, e) => n + e.changes, 0)).toBe(50_000);
		expect(edits.length).toBeLessThan(5_000);
	});
});

describe('which meeting a moment belongs to', () => {
	const marks = [
		{ kind: 'meeting-start', seq: 10, meetingId: 'm1', name: 'Eerste' },
		{ kind: 'meeting-end', seq: 20, meetingId: 'm1', name: 'Eerste' },
		{ kind: 'snapshot', seq: 25, meetingId: null, name: 'Tussendoor' },
		{ kind: 'meeting-start', seq: 30, meetingId: 'm2', name: 'Tweede' }
	];
	it('holds the changes after its start mark up to its end mark, else before or between two', () => {
		expect(meetingAt(5, marks)).toEqual({ kind: 'before', next: 1 });
		expect(meetingAt(10, marks)).toEqual({ kind: 'before', next: 1 });
		expect(meetingAt(11, marks)).toEqual({ kind: 'in', n: 1, name: 'Eerste' });
		expect(meetingAt(20, marks)).toEqual({ kind: 'in', n: 1, name: 'Eerste' });
		expect(meetingAt(21, marks)).toEqual({ kind: 'between', n: 1, next: 2 });
		expect(meetingAt(30, marks)).toEqual({ kind: 'between', n: 1, next: 2 });
		expect(meetingAt(31, marks)).toEqual({ kind: 'in', n: 2, name: 'Tweede' });
		expect(meetingAt(3, [])).toEqual({ kind: 'before', next: null });
	});
});

describe('activity over time', () => {
	it('counts timed edits per bucket and leaves anonymous ones out', () => {
		seq = 0;
		const edits = groupEdits([
			change(anna, t0, [fact('a')]),
			change(anna, t0, [fact('b')]),
			change('anonymous', null, [fact('x')], 'anonymous'),
			change(bob, t0 + 10 * 60_000, [fact('c')])
		]);
		const buckets = activity(edits, 5);
		expect(buckets.map((b) => b.count)).toEqual([2, 0, 0, 0, 1]);
	});
});
