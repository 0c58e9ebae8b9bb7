import type { Practices } from './practices.ts';
import type { BoardReader } from './board-reader.ts';
import type { PracticeRecord } from './records.ts';
import type { HiddenNotes } from '#lib/domain/board-docs.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import type { BoardId } from '#lib/domain/ids.ts';
import { listNotes, noteContent, plainText, parseCitationRef, type NoteData } from '#lib/domain/notes.ts';
import { allBoardsOf, isArchived, readPractice } from '#lib/domain/practice.ts';
import { frameworkFile } from '#lib/domain/framework-file.ts';
import { fragmentToHtml } from '#lib/editor/render.ts';
import type * as Y from 'yjs';

export const EXPORT_FORMAT = 'zwerm-practice-export/1';

/** What an export reads: the members, the boards through the board reader, and the documents. */
export interface ExportSources {
	readonly practices: Pick<Practices, 'listMembers'>;
	readonly reader: Pick<BoardReader, 'board'>;
	readonly readDocument: (name: string) => Promise<Y.Doc>;
}

/**
 * A practice as plain JSON: boards, lanes, notes as text and HTML, and which
 * individual notes each collective note grew from.
 */
export async function exportPractice(sources: ExportSources, practice: PracticeRecord) {
	const members = await sources.practices.listMembers(practice.id);
	const names = new Map(members.map((m) => [m.id as string, m.name]));
	const noteJson = (doc: Y.Doc, n: NoteData, hidden: HiddenNotes) => ({
		id: n.id,
		text: plainText(noteContent(doc, n.id)),
		html: fragmentToHtml(noteContent(doc, n.id)),
		color: n.color,
		x: n.x,
		y: n.y,
		loop: n.loop,
		createdAt: new Date(n.createdAt).toISOString(),
		createdBy: n.createdBy ? (names.get(n.createdBy) ?? null) : null,
		// Citations of notes that are private or anonymous now are left out (the board reader's rule).
		cites: hidden.visibleCites(n.cites).flatMap((ref) => {
			const c = parseCitationRef(ref);
			if (!c) return [];
			return c.memberId
				? { member: names.get(c.memberId) ?? null, memberId: c.memberId, noteId: c.noteId }
				: { member: null, memberId: null, anonymous: true, noteId: c.noteId };
		}) as ({ member: string | null; memberId: string; noteId: string } | { member: null; memberId: null; anonymous: true; noteId: string })[]
	});
	const info = readPractice(await sources.readDocument(practiceDoc(practice.id)));
	for (const m of info.members) if (!names.has(m.id)) names.set(m.id, m.name);
	const boards = [];
	for (const aspect of allBoardsOf(practice.framework)) {
		const board = await sources.reader.board(practice.id, aspect.id as BoardId, info);
		const notesOf = async (name: string) => {
			const doc = await sources.readDocument(name);
			return listNotes(doc).map((n) => noteJson(doc, n, board.hidden));
		};
		let collective: ReturnType<typeof noteJson>[] = [];
		let anonymous: ReturnType<typeof noteJson>[] = [];
		const lanes = [];
		// Lanes as the board shows them: also of members who became observers or were removed.
		for (const d of board.documents) {
			if (d.kind === 'collective') collective = await notesOf(d.name);
			else if (d.kind === 'anonymous') anonymous = await notesOf(d.name);
			else lanes.push({ memberId: d.owner.id, member: d.owner.name, notes: await notesOf(d.name) });
		}
		boards.push({
			id: aspect.id,
			name: aspect.name,
			questions: aspect.questions,
			poles: aspect.poles ?? null,
			archived: isArchived(practice.framework, aspect.id),
			collective,
			// Without author: the server writes these, and the export does not know more.
			anonymous,
			lanes
		});
	}
	return {
		format: EXPORT_FORMAT,
		exportedAt: new Date().toISOString(),
		practice: { id: practice.id, name: practice.name, createdAt: new Date(practice.createdAt).toISOString() },
		// The framework by name and as a file (docs/FRAMEWORKS.md) another practice can import.
		framework: { id: practice.framework.id, name: practice.framework.name, file: frameworkFile(practice.framework) },
		members: members.map((m) => ({ id: m.id, name: m.name, role: m.role })),
		boards
	};
}
