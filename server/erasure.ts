import * as Y from 'yjs';
import { anonymousDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import type { Framework } from '#lib/domain/frameworks.ts';
import { newNoteId, type BoardId, type MemberId, type NoteId, type PracticeId } from '#lib/domain/ids.ts';
import { createNote, deleteNote, listNotes, noteContent, notesMap } from '#lib/domain/notes.ts';
import { occupancyOf } from '#lib/domain/lane-space.ts';
import { allBoardsOf, removeMemberInfo } from '#lib/domain/practice.ts';
import { dayOf } from '#lib/domain/visibility.ts';
import type { AnonymousMirror } from './anonymous-mirror.ts';
import { ServiceError } from './errors.ts';
import { practiceOf } from './records.ts';
import { SERVER_ORIGIN } from './mirror.ts';
import type { DirectConnection, ServiceContext } from './service-context.ts';

/**
 * Leaving a practice: erases a member's private notes everywhere, also from
 * the stored history; their shared notes are erased too or kept without their
 * name. Their anonymous notes stay as they are, and the server's link from
 * each to its author is erased: after this nobody, the operator included, can
 * tie them to the leaver. The anonymous document's history (everyone's) is
 * untouched.
 */
export class Erasure {
	private readonly ctx: ServiceContext;
	private readonly mirror: AnonymousMirror;

	constructor(ctx: ServiceContext, mirror: AnonymousMirror) {
		this.ctx = ctx;
		this.mirror = mirror;
	}

	async erase(practiceId: PracticeId, memberId: MemberId, shared: 'erase' | 'anonymize', now = Date.now()): Promise<void> {
		const practice = practiceOf(await this.ctx.storage.records.practices.get(practiceId));
		if (!practice) throw new ServiceError('not-found', 'No such practice.');
		// The mirror's locks: no mirror write or reveal reads these private documents meanwhile.
		const names = allBoardsOf(practice.framework).map((a) => privateDoc(practiceId, a.id as BoardId, memberId));
		return this.mirror.withLocks(names, () => this.eraseUnlocked(practice, memberId, shared, now));
	}

	private async eraseUnlocked(practice: { id: PracticeId; framework: Framework }, memberId: MemberId, shared: 'erase' | 'anonymize', now: number): Promise<void> {
		const practiceId = practice.id;
		const erased: { doc: string; ydoc: Y.Doc }[] = [];
		const opened: DirectConnection[] = [];
		const open = (name: string) => this.ctx.documents.open(name);
		try {
			for (const aspect of allBoardsOf(practice.framework)) {
				const boardId = aspect.id as BoardId;
				const names = [privateDoc(practiceId, boardId, memberId), laneDoc(practiceId, boardId, memberId)];
				const [priv, lane, anon] = await Promise.all([...names, anonymousDoc(practiceId, boardId)].map(open));
				opened.push(priv, lane, anon);
				// Their anonymous notes stay: they belong to the group's work, and deleting them the
				// moment the name leaves the member list would name their author. The link
				// from each to its private source is forgotten first (so the mirror leaves
				// them alone when the sources go), and nothing else ties them to the leaver.
				await this.ctx.storage.records.anonymousLinks.unlinkSources([names[0]]);
				if (shared === 'anonymize') {
					// Everyone saw these with the leaver's name; kept, they go in one write, each at a free place.
					const laneDocument = lane.document!;
					const space = occupancyOf(anon.document!, 'anonymous');
					anon.document!.transact(() => {
						for (const data of listNotes(laneDocument)) {
							const id = newNoteId();
							const nodes = noteContent(laneDocument, data.id).toArray() as (Y.XmlElement | Y.XmlText)[];
							const place = { ...space.placeAndAdd(id), kind: 'anonymous' as const };
							createNote(anon.document!, { id, createdBy: null, at: dayOf(now), color: data.color, place, nodes }, SERVER_ORIGIN);
						}
					}, SERVER_ORIGIN);
				}
				for (const conn of [priv, lane]) {
					const doc = conn.document!;
					doc.transact(() => [...notesMap(doc).keys()].forEach((id) => deleteNote(doc, id as NoteId)), SERVER_ORIGIN);
				}
				erased.push({ doc: names[0], ydoc: priv.document! }, { doc: names[1], ydoc: lane.document! });
			}
			// Their name goes too: from the practice document and its history, and from the log.
			const practiceConn = await open(practiceDoc(practiceId));
			opened.push(practiceConn);
			practiceConn.document!.transact(() => removeMemberInfo(practiceConn.document!, memberId), SERVER_ORIGIN);
			erased.push({ doc: practiceDoc(practiceId), ydoc: practiceConn.document! });
			await this.ctx.documents.whenStored();
			await this.ctx.storage.records.members.forget(memberId);
			await this.ctx.storage.log.forgetAuthor(memberId);
			await this.ctx.storage.log.erase(erased.map(({ doc, ydoc }) => ({ doc, state: Y.encodeStateAsUpdateV2(ydoc) })));
		} finally {
			await Promise.all(opened.map((c) => c.disconnect()));
		}
	}
}
