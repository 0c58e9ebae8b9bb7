import * as Y from 'yjs';
import { notesMap, parseCitationRef, plainText, readNote, noteContent, type CitationRef } from '#lib/domain/notes.ts';
import { laneMember, type LaneKey } from '#lib/domain/history.ts';
import { chapterAt, STEP_PAUSE_MS, type Chapter, type Lineage, type LineageSource, type LineageStep, type StepAuthor } from '#lib/domain/figures.ts';
import type { GroupBoard } from './board-reader.ts';
import type { Folds } from './folds.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './service-context.ts';

/**
 * A collective note's lineage: the individual notes it cites (named lanes by
 * member, anonymous as anonymous), and its steps — created, edited (one
 * person's changes close together), brought into — with who, when and in
 * which chapter. What the timeline shows of the collective lane, no more.
 */
export async function lineageOf(
ctx: ServiceContext,
folds: Folds,
board: GroupBoard,
chapters: readonly Chapter[],
head: number,
noteId: string
): Promise<Lineage> {
	const collective = [...board.lanes].find(([, lane]) => lane === 'collective')![0];
	const fold = await folds.fold(collective, head);
	if (!fold.lives.has(noteId)) throw new ServiceError('not-found', 'No such collective note.');
	const names = new Map(board.members.map((m) => [m.id as string, m.name]));
	// A member who left is "someone": their id may still be in what was folded before they left, but is not shown.
	const author = (memberId: string | null): StepAuthor => (!memberId ? null : names.get(memberId) ? { memberId, name: names.get(memberId)! } : { memberId: '', name: '' });

	// Sources: every citation the note ever gained that the group may see, in order.
	const docOfLane = new Map([...board.lanes].map(([name, lane]) => [lane, name]));
	const sources: LineageSource[] = [];
	const sourceIndex = new Map<string, number>();
	for (const c of fold.cited) {
		if (c.note !== noteId || !board.hidden.mayCite(c.ref) || sourceIndex.has(c.ref)) continue;
		sourceIndex.set(c.ref, sources.length);
		sources.push(await source(ctx, board, c.ref, docOfLane, names));
	}

	const steps: LineageStep[] = [];
	const bringIns = new Map(fold.cited.filter((c) => c.note === noteId && sourceIndex.has(c.ref)).map((c) => [c.seq, c]));
	const lives = fold.lives.get(noteId)!;
	for (const e of fold.entries) {
		if (!e.notes.includes(noteId)) continue;
		const where = chapterAt(chapters, e.seq);
		const born = lives.some(([from]) => from === e.seq);
		const died = lives.some(([, to]) => to === e.seq);
		const cite = bringIns.get(e.seq);
		const anonymous = cite ? !parseCitationRef(cite.ref)?.memberId : false;
		const by: StepAuthor = anonymous && !e.memberId ? 'anonymous' : author(e.memberId);
		const kind: LineageStep['kind'] = died ? 'removed' : cite ? 'brought-in' : born ? 'created' : 'edited';
		const last = steps.at(-1);
		if (
			kind === 'edited' &&
			last &&
			(last.kind === 'edited' || last.kind === 'created') &&
			sameAuthor(last.by, by) &&
			last.at !== null &&
			e.at - last.at < STEP_PAUSE_MS
		) {
			steps[steps.length - 1] = { ...last, seq: e.seq, at: e.at };
			continue;
		}
		steps.push({
			kind: born && cite ? 'brought-in' : kind,
			from: e.seq,
			seq: e.seq,
			// A step by the anonymous lane's way in carries no time, as its changes do not.
			at: by === 'anonymous' ? null : e.at,
			by,
			chapter: where.chapter,
			during: where.during,
			...(cite ? { source: sourceIndex.get(cite.ref)! } : {})
		});
	}
	const note = notesMap(fold.doc).get(noteId);
	const text = note instanceof Y.Map ? plainText(noteContent(fold.doc, noteId as never)) : null;
	return { id: noteId, text, sources, steps, chapters };
}


/** An individual note a collective note cites, as the group may see it now. */
async function source(ctx: ServiceContext, board: GroupBoard, ref: CitationRef, docOfLane: ReadonlyMap<LaneKey, string>, names: ReadonlyMap<string, string>): Promise<LineageSource> {
	const c = parseCitationRef(ref)!;
	const lane: LaneKey = c.memberId ? (`lane:${c.memberId}` as LaneKey) : 'anonymous';
	const name = docOfLane.get(lane);
	const doc = name ? await ctx.documents.read(name) : null;
	const text = doc && readNote(doc, c.noteId) ? plainText(noteContent(doc, c.noteId)) : null;
	const member = laneMember(lane);
	return { ref, kind: c.memberId ? 'member' : 'anonymous', name: member ? (names.get(member) ?? null) : null, text };
}


function sameAuthor(a: StepAuthor, b: StepAuthor): boolean {
	if (a === null || b === null || a === 'anonymous' || b === 'anonymous') return a === b;
	return a.memberId === b.memberId;
}
