import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote } from '#lib/domain/notes.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { toWindow } from '#lib/domain/activities.ts';
import type { MemberId } from '#lib/domain/ids.ts';
import {
	closeWindow,
	countCreated,
	formatDeadline,
	formatTimeLeft,
	isOpen,
	openWindow,
	readWindow,
	toDateTimeLocal,
	windowEnd,
	writeWindow
} from '#lib/domain/windows.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.UTC(2026, 11, 1, 9, 0);

describe('collection windows in the practice document', () => {
	it('open until the deadline, keep their opening time when changed, close early', () => {
		const doc = new Y.Doc();
		expect(readWindow(doc, 'intentie')).toBeNull();
		const first = openWindow(doc, 'intentie', { deadline: t0 + 2 * DAY, question: null }, t0);
		expect(first).toEqual({ opened: true, window: { question: null, opensAt: t0, deadline: t0 + 2 * DAY, closedAt: null } });
		expect(isOpen(readWindow(doc, 'intentie'), t0 + DAY)).toBe(true);
		expect(isOpen(readWindow(doc, 'intentie'), t0 + 2 * DAY)).toBe(false);

		// Changing the open window: new deadline and question, same opening time.
		const changed = openWindow(doc, 'intentie', { deadline: t0 + 3 * DAY, question: 'Wat drijft ons?' }, t0 + HOUR);
		expect(changed).toEqual({ opened: false, window: { question: 'Wat drijft ons?', opensAt: t0, deadline: t0 + 3 * DAY, closedAt: null } });

		const closed = closeWindow(doc, 'intentie', t0 + 2 * HOUR)!;
		expect(closed.closedAt).toBe(t0 + 2 * HOUR);
		expect(isOpen(closed, t0 + 3 * HOUR)).toBe(false);
		expect(windowEnd(closed)).toBe(t0 + 2 * HOUR);
		// Closing again changes nothing; opening again starts a new window.
		expect(closeWindow(doc, 'intentie', t0 + 5 * HOUR)).toEqual(closed);
		expect(openWindow(doc, 'intentie', { deadline: t0 + 4 * DAY, question: null }, t0 + 6 * HOUR).window.opensAt).toBe(t0 + 6 * HOUR);

		// Other boards are untouched; readPractice carries the map.
		expect(readWindow(doc, 'context')).toBeNull();
		expect(readPractice(doc).activities.map((a) => [a.kind, a.boardId])).toEqual([['collection-window', 'intentie']]);
	});

	it('a window past its deadline is closed without anyone closing it', () => {
		const w = { question: null, opensAt: t0, deadline: t0 + HOUR, closedAt: null };
		expect(isOpen(w, t0 + HOUR - 1)).toBe(true);
		expect(isOpen(w, t0 + HOUR)).toBe(false);
		expect(windowEnd(w)).toBe(t0 + HOUR);
		expect(isOpen(null, t0)).toBe(false);
	});

	it('reads malformed entries as no window', () => {
		const doc = new Y.Doc();
		writeWindow(doc, 'a', { question: '', opensAt: t0, deadline: t0 + DAY, closedAt: null });
		doc.getMap('windows').set('b', { opensAt: 'gisteren', deadline: t0 });
		doc.getMap('windows').set('c', 42);
		expect(readWindow(doc, 'a')).toEqual({ question: null, opensAt: t0, deadline: t0 + DAY, closedAt: null });
		expect(readWindow(doc, 'b')).toBeNull();
		expect(toWindow(42)).toBeNull();
		expect(toWindow(null)).toBeNull();
	});
});

describe('counting contributions', () => {
	it("counts a member's own notes created in [from, to)", () => {
		const doc = new Y.Doc();
		const anna = 'AnnaAnnaAnna0001' as MemberId;
		const bert = 'BertBertBert0001' as MemberId;
		createNote(doc, { createdBy: anna, at: t0 - 1, text: 'ervoor' });
		createNote(doc, { createdBy: anna, at: t0, text: 'bij het openen' });
		createNote(doc, { createdBy: anna, at: t0 + HOUR, text: 'tijdens' });
		createNote(doc, { createdBy: anna, at: t0 + DAY, text: 'bij de deadline' });
		createNote(doc, { createdBy: bert, at: t0 + HOUR, text: 'van Bert' });
		createNote(doc, { createdBy: null, at: t0 + HOUR, text: 'zonder naam' });
		expect(countCreated(doc, anna, t0, t0 + DAY)).toBe(2);
		expect(countCreated(doc, bert, t0, t0 + DAY)).toBe(1);
	});
});

describe('showing a deadline', () => {
	it('in Dutch and English, with the time left in its largest unit', () => {
		const deadline = new Date(2026, 11, 1, 17, 0).getTime(); // local time: a Tuesday
		const now = new Date(2026, 10, 28, 12, 0).getTime();
		expect(formatDeadline(deadline, 'nl', now)).toBe('dinsdag 1 december om 17:00');
		expect(formatDeadline(deadline, 'en', now)).toBe('Tuesday 1 December at 17:00');
		expect(formatDeadline(deadline, 'nl', new Date(2025, 0, 1).getTime())).toContain('2026');
		expect(formatTimeLeft(deadline, now, 'nl')).toBe('3 dagen');
		expect(formatTimeLeft(deadline, deadline - 3 * DAY + 60_000, 'nl')).toBe('3 dagen');
		expect(formatTimeLeft(deadline, deadline - 47 * HOUR, 'en')).toBe('47 hours');
		expect(formatTimeLeft(deadline, deadline - 5 * HOUR + 1, 'en')).toBe('5 hours');
		expect(formatTimeLeft(deadline, deadline - 90 * 60_000, 'en')).toBe('90 minutes');
		expect(formatTimeLeft(deadline, deadline - 30_000, 'nl')).toBe('1 minuut');
		expect(formatTimeLeft(deadline, deadline, 'nl')).toBeNull();
		expect(toDateTimeLocal(deadline)).toBe('2026-12-01T17:00');
	});
});
