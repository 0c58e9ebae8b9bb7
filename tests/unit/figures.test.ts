import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bringIn, createNote, notesMap, readNote, setNoteQuestion, transferNote } from '#lib/domain/notes.ts';
import { chapterAt, chaptersOf, cutChapters, gapsOf, type Chapter, type Figures } from '#lib/domain/figures.ts';
import type { MemberId } from '#lib/domain/ids.ts';

const ana = 'Ana-member-0001' as MemberId;

describe('a note tied to a dialogue question', () => {
	it('keeps the question through a move and a bring-in, reads a malformed one as none, refuses a bad index', () => {
		const lane = new Y.Doc();
		const other = new Y.Doc();
		const collective = new Y.Doc();
		const id = createNote(lane, { createdBy: ana, at: 1, text: 'Voor wie?' });
		setNoteQuestion(lane, id, 2);
		expect(readNote(lane, id)?.question).toBe(2);
		expect(readNote(collective, bringIn(collective, { doc: lane, memberId: ana, noteId: id }, { createdBy: ana, at: 2 }))?.question).toBe(2);
		transferNote(lane, other, id, { createdBy: ana, at: 3 });
		expect(readNote(other, id)?.question).toBe(2);
		setNoteQuestion(other, id, null);
		expect(readNote(other, id)?.question).toBeNull();
		expect(() => setNoteQuestion(other, id, 1.5)).toThrow(TypeError);
		notesMap(other).get(id)!.set('question', 'twee');
		expect(readNote(other, id)?.question).toBeNull();
	});
});

describe('chapters', () => {
	const marks = [
		{ kind: 'meeting-start', seq: 10, name: 'Een', meetingId: 'm1' },
		{ kind: 'meeting-end', seq: 20, name: 'Een', meetingId: 'm1' },
		{ kind: 'snapshot', seq: 25, name: 'los', meetingId: null },
		{ kind: 'meeting-start', seq: 30, name: 'Twee', meetingId: 'm2' }
	];
	it('cut the log at meetings: the time before a meeting and the meeting are one chapter; a running meeting is the last', () => {
		const chapters = chaptersOf(marks);
		expect(chapters.map((c) => [c.title, c.from, c.start, c.to])).toEqual([
			['Een', 0, 10, 20],
			['Twee', 20, 30, null]
		]);
		expect(chapterAt(chapters, 5)).toEqual({ chapter: 0, during: false });
		expect(chapterAt(chapters, 11)).toEqual({ chapter: 0, during: true });
		expect(chapterAt(chapters, 20)).toEqual({ chapter: 0, during: true });
		expect(chapterAt(chapters, 21)).toEqual({ chapter: 1, during: false });
		expect(chapterAt(chapters, 31)).toEqual({ chapter: 1, during: true });
	});
	it('end with the time after the last meeting that ended; without meetings, one chapter', () => {
		expect(chaptersOf(marks.slice(0, 2)).map((c) => [c.from, c.to, c.meetingId])).toEqual([
			[0, 20, 'm1'],
			[20, null, null]
		]);
		expect(chaptersOf([])).toEqual([{ index: 1, title: '', meetingId: null, from: 0, to: null, start: null }]);
	});
});

describe('chapters of a range', () => {
	const marks = [
		{ kind: 'meeting-start', seq: 10, name: 'Een', meetingId: 'm1' },
		{ kind: 'meeting-end', seq: 20, name: 'Een', meetingId: 'm1' },
		{ kind: 'meeting-start', seq: 30, name: 'Twee', meetingId: 'm2' },
		{ kind: 'meeting-end', seq: 40, name: 'Twee', meetingId: 'm2' },
		{ kind: 'meeting-start', seq: 50, name: 'Drie', meetingId: 'm3' },
		{ kind: 'meeting-end', seq: 60, name: 'Drie', meetingId: 'm3' }
	];
	const chapters = chaptersOf(marks);
	const shape = (c: Chapter) => [c.index, c.meetingId, c.from, c.start, c.to];
	it('from the start of meeting 2 to the end of meeting 3: those two, without the time before meeting 2; still covering the whole log', () => {
		const cut = cutChapters(chapters, { from: 30, to: 60 });
		expect(cut.chapters.map(shape)).toEqual([
			[1, 'm1', 0, 10, 20],
			[2, null, 20, null, 30],
			[2, 'm2', 30, 30, 40],
			[3, 'm3', 40, 50, 60],
			[4, null, 60, null, null]
		]);
		expect(cut.inside.map((i) => cut.chapters[i].meetingId)).toEqual(['m2', 'm3']);
		expect(chapterAt(cut.chapters, 25)).toEqual({ chapter: 1, during: false });
		expect(chapterAt(cut.chapters, 31)).toEqual({ chapter: 2, during: true });
	});
	it('a range inside a meeting is one piece of it, all during; up to now keeps the time after the last meeting', () => {
		const within = cutChapters(chapters, { from: 33, to: 36 });
		expect(within.inside.map((i) => shape(within.chapters[i]))).toEqual([[2, 'm2', 33, 33, 36]]);
		const since = cutChapters(chapters, { from: 40, to: null });
		expect(since.chapters).toEqual(chapters);
		expect(since.inside).toEqual([2, 3]);
		expect(cutChapters(chapters, { from: 0, to: null })).toEqual({ chapters, inside: [0, 1, 2, 3] });
	});
});

describe('gaps', () => {
	it('name an aspect not touched in the latest active chapter, since when, and unanswered questions of aspects worked on', () => {
		const chapter = (touched: number, questions: number[]) => ({
			collective: 0,
			individual: 0,
			broughtIn: { members: 0, anonymous: 0 },
			changed: { during: touched, between: 0 },
			touched,
			questions
		});
		const figures: Figures = {
			head: 100,
			chapters: chaptersOf([]).concat(chaptersOf([])),
			boards: [
				{ board: 'context', questions: 2, chapters: [chapter(3, [1, 0]), chapter(0, [0, 0])] },
				{ board: 'intentie', questions: 1, chapters: [chapter(0, [0]), chapter(2, [1])] },
				{ board: 'actanten', questions: 1, chapters: [chapter(0, [0]), chapter(0, [0])] }
			]
		};
		expect(gapsOf(figures)).toEqual([
			{ board: 'context', question: null, since: 1 },
			{ board: 'context', question: 1, since: null },
			{ board: 'actanten', question: null, since: null }
		]);
	});
});
