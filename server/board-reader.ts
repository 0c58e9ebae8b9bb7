import { boardDocuments, groupDocuments, HiddenNotes, type BoardDocument } from '#lib/domain/board-docs.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import type { LaneKey } from '#lib/domain/history.ts';
import { notesMap } from '#lib/domain/notes.ts';
import { findBoard, readPractice, type MemberInfo, type PracticeInfo } from '#lib/domain/practice.ts';
import type { Aspect } from '#lib/domain/frameworks.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './service-context.ts';

/** A board as the group may read it: its group documents and the notes hidden from the group now. */
export interface GroupBoard {
	readonly practiceId: PracticeId;
	readonly boardId: BoardId;
	readonly aspect: Aspect;
	/** Everyone in the practice document, also members who left with their lane kept. */
	readonly members: readonly MemberInfo[];
	/** Document name → lane, for the documents every member reads (never a private document). */
	readonly lanes: ReadonlyMap<string, LaneKey>;
	/** The group documents in reading order: the collective lane, the anonymous notes, the members' lanes. */
	readonly documents: readonly Exclude<BoardDocument, { kind: 'private' }>[];
	readonly hidden: HiddenNotes;
}

/**
 * The one way the server reads a board for the group: export, history,
 * report and news all start here, so the visibility rule (private never;
 * anonymous without author or time; an individual note hidden now is left out
 * everywhere, citations of it too) is applied in one place (HiddenNotes).
 */
export class BoardReader {
	private readonly ctx: ServiceContext;
	/** Private document → its note ids, with the document version they were read at. */
	private readonly privateIds = new Map<string, { key: string; ids: ReadonlySet<string> }>();

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	/** The board, or `not-found` when the practice's framework has no such board. */
	async board(practiceId: PracticeId, boardId: BoardId, known?: PracticeInfo): Promise<GroupBoard> {
		const practice = known ?? readPractice(await this.ctx.documents.read(practiceDoc(practiceId)));
		const aspect = practice.framework ? findBoard(practice.framework, boardId) : undefined;
		if (!aspect) throw new ServiceError('not-found', 'No such board.');
		const all = boardDocuments(practiceId, boardId, practice.members);
		const hidden = new Map<string, ReadonlySet<string>>();
		for (const d of all) if (d.kind === 'private') hidden.set(d.owner.id, await this.noteIds(d.name));
		const documents = groupDocuments(all);
		return {
			practiceId,
			boardId,
			aspect,
			members: practice.members,
			lanes: new Map(documents.map((d) => [d.name, d.lane])),
			documents,
			hidden: new HiddenNotes(hidden)
		};
	}

	/** The ids of the notes in a private document now, read again only when it has changed. */
	private async noteIds(name: string): Promise<ReadonlySet<string>> {
		const version = await this.ctx.storage.log.versionAt(name, Number.MAX_SAFE_INTEGER);
		const key = `${version.seq}:${version.count}`;
		const known = this.privateIds.get(name);
		if (known?.key === key) return known.ids;
		const ids = new Set(notesMap(await this.ctx.documents.read(name)).keys());
		this.privateIds.delete(name);
		this.privateIds.set(name, { key, ids });
		if (this.privateIds.size > 10_000) this.privateIds.delete(this.privateIds.keys().next().value!);
		return ids;
	}
}
