import { describe, expect, it } from '../helpers/fixture.ts';
import { collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type * as Y from 'yjs';

const texts = (doc: Y.Doc) => listNotes(doc).map((n) => plainText(noteContent(doc, n.id)));
import { FRAMEWORK_FORMAT, frameworkFile } from '#lib/domain/framework-file.ts';
import { aspectAt } from '#lib/domain/framework-change.ts';
import { allBoardsOf, boardsOf, findBoard, readPractice } from '#lib/domain/practice.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { reportFor } from '#lib/server/report.ts';
import { exportPractice } from '#server/export.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

/**
 * A practice with a framework of its own, changed while it runs: an aspect
 * added (a board), one renamed with new questions, one archived (its board
 * read-only, its notes, history and report intact, never deleted). Every
 * change is a `framework` mark on that board's timeline, and the timeline
 * says which questions applied at a moment before the change.
 */
const OWN = {
	format: FRAMEWORK_FORMAT,
	version: 1,
	name: { nl: 'Kwaliteitskader Wijkteam' },
	aspects: [
		{ name: { nl: 'Vakmanschap' }, explanation: { nl: 'Wat we kunnen.' }, questions: [{ nl: 'Wat kunnen we al?' }] },
		{ name: { nl: 'Tempo' }, questions: [{ nl: 'Waar staan we?' }], poles: { left: { nl: 'Rust' }, right: { nl: 'Haast' } } }
	]
};

describe('an own framework in a running practice', () => {
	it('adds, renames and archives boards with history, timeline, report and export intact', async ({ server, openSynced }) => {
		const zwerm = server.zwerm;
		const { practice, facilitator } = await zwerm.practices.create({ name: 'Wijkteam West', facilitatorName: 'Fenna', framework: OWN });
		const p = practice.id as PracticeId;
		const by = facilitator.member.id as MemberId;
		expect(boardsOf(practice.framework).map((a) => a.id)).toEqual(['vakmanschap', 'tempo', 'doelen']);
		const participant = (await zwerm.practices.join(practice.participantInvite, { name: 'Piet' }))!;

		// A note on each board before the change.
		const tempo = await openSynced(collectiveDoc(p, 'tempo' as BoardId), participant.token);
		const vak = await openSynced(collectiveDoc(p, 'vakmanschap' as BoardId), participant.token);
		createNote(tempo.doc, { createdBy: participant.member.id, at: Date.now(), text: 'We rennen te hard' });
		createNote(vak.doc, { createdBy: participant.member.id, at: Date.now(), text: 'Goed luisteren' });
		await Promise.all([tempo.saved(), vak.saved()]);
		const before = await zwerm.timeline.timeline(p, 'vakmanschap' as BoardId);
		expect(before.edits).toHaveLength(1);

		// Rename Vakmanschap with a new question, archive Tempo, add Samenwerking.
		const next = JSON.parse(JSON.stringify(frameworkFile(practice.framework)));
		next.aspects[0].name = { nl: 'Vakkundigheid' };
		next.aspects[0].questions = [{ nl: 'Wat leren we van elkaar?' }];
		next.aspects.splice(1, 1);
		next.aspects.push({ name: { nl: 'Samenwerking' }, questions: [{ nl: 'Met wie werken we samen?' }] });
		const changed = await zwerm.frameworks.change(p, by, next);
		expect(changed.changes.map((c) => [c.kind, c.boardId])).toEqual([
			['renamed', 'vakmanschap'],
			['added', 'samenwerking'],
			['archived', 'tempo']
		]);

		// The record and the practice document both hold the new framework.
		const stored = (await zwerm.practices.get(p))!;
		expect(boardsOf(stored.framework).map((a) => a.id)).toEqual(['vakmanschap', 'samenwerking', 'doelen']);
		expect(allBoardsOf(stored.framework).map((a) => a.id)).toContain('tempo');
		const doc = readPractice(await zwerm.readDocument(practiceDoc(p)));
		expect(doc.framework?.archived?.map((a) => a.id)).toEqual(['tempo']);
		expect(findBoard(doc.framework!, 'vakmanschap')?.name.nl).toBe('Vakkundigheid');

		// The archived board: its note still there and readable, but nobody writes on it any more.
		const again = await openSynced(collectiveDoc(p, 'tempo' as BoardId), participant.token);
		expect(texts(again.doc)).toEqual(['We rennen te hard']);
		createNote(again.doc, { createdBy: participant.member.id, at: Date.now(), text: 'Stiekem nog eentje' });
		await zwerm.durable.batcher.idle();
		await expect.poll(async () => texts(await zwerm.readDocument(collectiveDoc(p, 'tempo' as BoardId)))).toEqual(['We rennen te hard']);
		// The new board takes notes.
		const samen = await openSynced(collectiveDoc(p, 'samenwerking' as BoardId), participant.token);
		createNote(samen.doc, { createdBy: participant.member.id, at: Date.now(), text: 'Met de huisarts' });
		await samen.saved();

		// Timelines: the archived board's history is intact, and each changed board has its framework mark.
		const tempoLine = await zwerm.timeline.timeline(p, 'tempo' as BoardId);
		expect(tempoLine.edits).toHaveLength(1);
		expect(tempoLine.marks.filter((m) => m.kind === 'framework')).toHaveLength(1);
		const vakLine = await zwerm.timeline.timeline(p, 'vakmanschap' as BoardId);
		const mark = vakLine.marks.find((m) => m.kind === 'framework')!;
		expect(mark.createdBy).toBe(by);
		// Before the change the group answered the old question; now the new one.
		const current = findBoard(stored.framework, 'vakmanschap')!;
		expect(aspectAt(current, vakLine.marks, before.edits[0]!.seq).questions.map((q) => q.nl)).toEqual(['Wat kunnen we al?']);
		expect(aspectAt(current, vakLine.marks, mark.seq + 1).questions.map((q) => q.nl)).toEqual(['Wat leren we van elkaar?']);
		// The archived board's past is still there to look at.
		const view = await zwerm.timeline.view(p, 'tempo' as BoardId, tempoLine.head);
		expect(JSON.stringify(view)).toContain('We rennen te hard');

		// The report over the whole practice tells the archived board's story, named as archived; the export names the framework.
		const report = await reportFor(zwerm, stored, new URL('http://zwerm.test/?from=0'), 'nl');
		expect(report.summary.map((b) => b.name)).toEqual(['Vakkundigheid', 'Samenwerking', 'Tempo (gearchiveerd)']);
		const exported = await exportPractice({ practices: zwerm.practices, reader: zwerm.reader, readDocument: (n) => zwerm.readDocument(n) }, stored);
		expect(exported.framework.name.nl).toBe('Kwaliteitskader Wijkteam');
		expect(exported.framework.file.aspects.map((a) => a.name.nl)).toEqual(['Vakkundigheid', 'Samenwerking']);
		expect(exported.boards.find((b) => b.id === 'tempo')).toMatchObject({ archived: true });

		// Archived, then restored: the same board, with its notes.
		const restored = await zwerm.frameworks.change(p, by, { ...next, aspects: [...next.aspects, { id: 'tempo', name: { nl: 'Tempo' }, questions: [{ nl: 'Waar staan we?' }] }] });
		expect(restored.changes.map((c) => [c.kind, c.boardId])).toEqual([['restored', 'tempo']]);
	});

	it('erases a leaver’s notes on an archived board too', async ({ server, openSynced }) => {
		const zwerm = server.zwerm;
		const { practice, facilitator } = await zwerm.practices.create({ name: 'Weg', facilitatorName: 'Fenna', framework: OWN });
		const p = practice.id as PracticeId;
		const leaver = (await zwerm.practices.join(practice.participantInvite, { name: 'Lotte' }))!;
		const tempo = 'tempo' as BoardId;
		const priv = await openSynced(privateDoc(p, tempo, leaver.member.id), leaver.token);
		const lane = await openSynced(laneDoc(p, tempo, leaver.member.id), leaver.token);
		createNote(priv.doc, { createdBy: leaver.member.id, at: Date.now(), text: 'Alleen voor mij' });
		createNote(lane.doc, { createdBy: leaver.member.id, at: Date.now(), text: 'Gedeeld van Lotte' });
		await Promise.all([priv.saved(), lane.saved()]);
		const file = JSON.parse(JSON.stringify(frameworkFile(practice.framework)));
		file.aspects.splice(1, 1);
		await zwerm.frameworks.change(p, facilitator.member.id, file);
		await zwerm.practices.leave(p, leaver.member.id, { shared: 'erase' });
		expect(texts(await zwerm.readDocument(privateDoc(p, tempo, leaver.member.id)))).toEqual([]);
		expect(texts(await zwerm.readDocument(laneDoc(p, tempo, leaver.member.id)))).toEqual([]);
	});

	it('refuses a bad framework, naming the field, and changes nothing', async ({ server }) => {
		const zwerm = server.zwerm;
		await expect(zwerm.practices.create({ name: 'X', facilitatorName: 'Fenna', framework: { ...OWN, aspects: [] } })).rejects.toThrow(/framework\.aspects: needs at least one aspect/);
		const { practice, facilitator } = await zwerm.practices.create({ name: 'Y', facilitatorName: 'Fenna', framework: OWN });
		const bad = JSON.parse(JSON.stringify(OWN));
		bad.aspects[1].name.nl = 'vakmanschap';
		await expect(zwerm.frameworks.change(practice.id, facilitator.member.id, bad)).rejects.toThrow(/aspects\[1\]\.name\.nl: is the same as the name of aspect 1/);
		expect((await zwerm.practices.get(practice.id))!.framework).toEqual(practice.framework);
		expect((await zwerm.meetings.listMarks(practice.id)).filter((m) => m.kind === 'framework')).toEqual([]);
	});
});
