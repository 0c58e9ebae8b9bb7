import type { Zwerm } from './zwerm.ts';
import type { PracticeRecord } from './records.ts';
import { anonymousDoc, collectiveDoc, laneDoc, practiceDoc, privateDoc } from '../src/lib/domain/docnames.ts';
import type { BoardId } from '../src/lib/domain/ids.ts';
import { listNotes, noteContent, notesMap, plainText, parseCitationRef, type NoteData } from '../src/lib/domain/notes.ts';
import { boardsOf, laneOwners, readPractice } from '../src/lib/domain/practice.ts';
import { fragmentToHtml } from '../src/lib/editor/render.ts';
import type * as Y from 'yjs';

export const EXPORT_FORMAT = 'zwerm-practice-export/1';

/**
 * A practice as plain JSON: boards, lanes, notes as text and HTML, and which
 * individual notes each collective note grew from.
 */
export async function exportPractice(zwerm: Zwerm, practice: PracticeRecord) {
	const members = await zwerm.practices.listMembers(practice.id);
	const names = new Map(members.map((m) => [m.id as string, m.name]));
	/** Per board: `<member>:<note>` of individual notes that are private or anonymous now; citations of them are left out. */
	let hidden = new Set<string>();
	const noteJson = (doc: Y.Doc, n: NoteData) => ({
		id: n.id,
		text: plainText(noteContent(doc, n.id)),
		html: fragmentToHtml(noteContent(doc, n.id)),
		color: n.color,
		x: n.x,
		y: n.y,
		loop: n.loop,
		createdAt: new Date(n.createdAt).toISOString(),
		createdBy: n.createdBy ? (names.get(n.createdBy) ?? null) : null,
		cites: n.cites.flatMap((ref) => {
			const c = parseCitationRef(ref)!;
			if (c.memberId && hidden.has(`${c.memberId}:${c.noteId}`)) return [];
			return c.memberId
				? { member: names.get(c.memberId) ?? null, memberId: c.memberId, noteId: c.noteId }
				: { member: null, memberId: null, anonymous: true, noteId: c.noteId };
		}) as ({ member: string | null; memberId: string; noteId: string } | { member: null; memberId: null; anonymous: true; noteId: string })[]
	});
	const practiceMembers = readPractice(await zwerm.readDocument(practiceDoc(practice.id))).members;
	for (const m of practiceMembers) if (!names.has(m.id)) names.set(m.id, m.name);
	const boards = [];
	for (const aspect of boardsOf(practice.framework)) {
		const boardId = aspect.id as BoardId;
		hidden = new Set();
		for (const owner of laneOwners(practiceMembers)) {
			for (const id of notesMap(await zwerm.readDocument(privateDoc(practice.id, boardId, owner.id))).keys()) hidden.add(`${owner.id}:${id}`);
		}
		const collective = await zwerm.readDocument(collectiveDoc(practice.id, boardId));
		const anonymous = await zwerm.readDocument(anonymousDoc(practice.id, boardId));
		const lanes = [];
		// Lanes as the board shows them: also of members who became observers or were removed.
		for (const owner of laneOwners(practiceMembers)) {
			const doc = await zwerm.readDocument(laneDoc(practice.id, boardId, owner.id));
			lanes.push({ memberId: owner.id, member: owner.name, notes: listNotes(doc).map((n) => noteJson(doc, n)) });
		}
		boards.push({
			id: aspect.id,
			name: aspect.name,
			questions: aspect.questions,
			poles: aspect.poles ?? null,
			collective: listNotes(collective).map((n) => noteJson(collective, n)),
			// Without author: the server writes these, and the export does not know more.
			anonymous: listNotes(anonymous).map((n) => noteJson(anonymous, n)),
			lanes
		});
	}
	return {
		format: EXPORT_FORMAT,
		exportedAt: new Date().toISOString(),
		practice: { id: practice.id, name: practice.name, createdAt: new Date(practice.createdAt).toISOString() },
		framework: { id: practice.framework.id, name: practice.framework.name },
		members: members.map((m) => ({ id: m.id, name: m.name, role: m.role })),
		boards
	};
}
