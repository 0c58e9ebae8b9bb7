import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { activityOn, readActivities, readActivity, readRound, writeActivity, type RoundInfo, type VoteInfo } from '#lib/domain/activities.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { readWindow } from '#lib/domain/windows.ts';

const round: RoundInfo = { id: 'round-00001', startedAt: 1000, endsAt: 61_000, revealedAt: null, notes: 3, people: 2, ready: ['anna'] };
const window = { question: 'Wat nemen we mee?', opensAt: 1000, deadline: 90_000, closedAt: null };

describe('activities in the practice document', () => {
	it('keep the latest of each kind per board, side by side, and read back as they were written', () => {
		const doc = new Y.Doc();
		writeActivity(doc, { kind: 'silent-round', boardId: 'intentie', ...round });
		writeActivity(doc, { kind: 'collection-window', boardId: 'intentie', ...window });
		writeActivity(doc, { kind: 'silent-round', boardId: 'context', ...round, id: 'round-00002' });
		writeActivity(doc, { kind: 'silent-round', boardId: 'intentie', ...round, revealedAt: 61_000, ready: [] });
		const all = readPractice(doc).activities;
		expect(all.map((a) => `${a.kind}/${a.boardId}`).sort()).toEqual(['collection-window/intentie', 'silent-round/context', 'silent-round/intentie']);
		expect(readRound(doc, 'intentie')).toEqual({ ...round, revealedAt: 61_000, ready: [] });
		expect(readWindow(doc, 'intentie')).toEqual(window);
		expect(activityOn(all, 'silent-round', 'context')).toMatchObject({ kind: 'silent-round', boardId: 'context', id: 'round-00002' });
		expect(activityOn(all, 'collection-window', 'context')).toBeNull();
	});

	it('read practices from before activities (a rounds map and a windows map), until an activity replaces the old entry', () => {
		const doc = new Y.Doc();
		doc.getMap('rounds').set('intentie', { ...round });
		doc.getMap('windows').set('context', { ...window });
		expect(readRound(doc, 'intentie')).toEqual(round);
		expect(readWindow(doc, 'context')).toEqual(window);
		expect(readActivities(doc)).toHaveLength(2);
		writeActivity(doc, { kind: 'silent-round', boardId: 'intentie', ...round, id: 'round-00003' });
		expect(readRound(doc, 'intentie')?.id).toBe('round-00003');
		expect(doc.getMap('rounds').has('intentie')).toBe(false);
		expect(readActivities(doc)).toHaveLength(2);
	});

	it('take nothing malformed: a wrong kind, a wrong shape or a key without a board is no activity', () => {
		const doc = new Y.Doc();
		const map = doc.getMap('activities');
		map.set('vote/intentie', { id: 'x' });
		map.set('silent-round/intentie', { id: 42 });
		map.set('silent-round', { ...round });
		map.set('collection-window/context', { opensAt: 'gisteren', deadline: 5 });
		expect(readActivities(doc)).toEqual([]);
		expect(readActivity(doc, 'silent-round', 'intentie')).toBeNull();
	});

	it('keep a vote: its limits, the done count and, once closed, the ranked totals; a malformed total is left out', () => {
		const doc = new Y.Doc();
		const vote: VoteInfo = { id: 'vote-000001', dots: 3, perNote: 2, startedAt: 1000, endsAt: null, closedAt: null, done: 1, result: null };
		writeActivity(doc, { kind: 'vote', boardId: 'intentie', ...vote });
		writeActivity(doc, { kind: 'silent-round', boardId: 'intentie', ...round });
		expect(readActivity(doc, 'vote', 'intentie')).toEqual({ kind: 'vote', boardId: 'intentie', ...vote });
		const result = [
			{ noteId: 'note-a', total: 4 },
			{ noteId: 'note-b', total: 1 }
		];
		writeActivity(doc, { kind: 'vote', boardId: 'intentie', ...vote, closedAt: 9000, done: 0, result });
		expect(readActivity(doc, 'vote', 'intentie')).toMatchObject({ closedAt: 9000, result });
		expect(readActivities(doc)).toHaveLength(2);
		doc.getMap('activities').set('vote/context', { ...vote, result: [{ noteId: 'n', total: 'veel' }, { noteId: 'm', total: 2 }] });
		expect(readActivity(doc, 'vote', 'context')?.result).toEqual([{ noteId: 'm', total: 2 }]);
	});
});
