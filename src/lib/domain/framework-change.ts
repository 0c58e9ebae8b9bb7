import type { Aspect, ArchivedAspect, Framework, Localized } from './frameworks.ts';

/**
 * Changing a running practice's framework. Aspects are matched by id (an
 * aspect's id is its board's id and never changes): a new id adds a board, a
 * changed name renames it, changed questions, explanation or poles edit it, an
 * id that is gone archives its board (read-only, history and reports intact,
 * never deleted), an archived id that comes back restores it. Every change of
 * a board becomes a `framework` mark on that board's timeline, holding the
 * aspect before and after, so a replay can show the questions of its moment.
 */

/** What a mark keeps of an aspect: what the group reads on the board. */
export interface AspectState {
	readonly name: Localized;
	readonly explanation: Localized;
	readonly questions: readonly Localized[];
	readonly poles?: { readonly left: Localized; readonly right: Localized };
}

export type ChangeKind = 'added' | 'renamed' | 'edited' | 'archived' | 'restored';

export interface BoardChange {
	readonly kind: ChangeKind;
	readonly boardId: string;
	readonly before: AspectState | null;
	readonly after: AspectState | null;
}

const stateOf = (a: Aspect): AspectState => ({
	name: a.name,
	explanation: a.explanation,
	questions: a.questions,
	...(a.poles ? { poles: a.poles } : {})
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The practice's framework after `next` (parsed from a file) replaces `current`, and what changed per board. */
export function changeFramework(current: Framework, next: Framework, now: number): { framework: Framework; changes: BoardChange[] } {
	const live = new Map(current.aspects.map((a) => [a.id, a]));
	const archived = new Map((current.archived ?? []).map((a) => [a.id, a]));
	const nextIds = new Set(next.aspects.map((a) => a.id));
	const changes: BoardChange[] = [];
	for (const aspect of next.aspects) {
		const was = live.get(aspect.id);
		const old = archived.get(aspect.id);
		if (old) {
			changes.push({ kind: 'restored', boardId: aspect.id, before: stateOf(old), after: stateOf(aspect) });
		} else if (!was) {
			changes.push({ kind: 'added', boardId: aspect.id, before: null, after: stateOf(aspect) });
		} else if (!same(was.name, aspect.name)) {
			changes.push({ kind: 'renamed', boardId: aspect.id, before: stateOf(was), after: stateOf(aspect) });
		} else if (!same(stateOf(was), stateOf(aspect))) {
			changes.push({ kind: 'edited', boardId: aspect.id, before: stateOf(was), after: stateOf(aspect) });
		}
	}
	const nowArchived: ArchivedAspect[] = [...archived.values()].filter((a) => !nextIds.has(a.id));
	for (const aspect of current.aspects) {
		if (nextIds.has(aspect.id)) continue;
		changes.push({ kind: 'archived', boardId: aspect.id, before: stateOf(aspect), after: null });
		nowArchived.push({ ...aspect, archivedAt: now });
	}
	const framework: Framework = {
		id: next.id,
		name: next.name,
		description: next.description,
		aspects: next.aspects,
		...(nowArchived.length ? { archived: nowArchived } : {})
	};
	return { framework, changes };
}

/** A framework mark's name: the change as JSON (marks hold no content of their own beyond it). */
export const markNameOf = (change: BoardChange): string =>
	JSON.stringify({ change: change.kind, before: change.before, after: change.after });

/** Reads a framework mark's name back; null for anything else. */
export function changeOfMark(name: string): Omit<BoardChange, 'boardId'> | null {
	try {
		const v = JSON.parse(name) as { change?: unknown; before?: AspectState | null; after?: AspectState | null };
		if (!v || typeof v.change !== 'string' || !['added', 'renamed', 'edited', 'archived', 'restored'].includes(v.change)) return null;
		return { kind: v.change as ChangeKind, before: v.before ?? null, after: v.after ?? null };
	} catch {
		return null;
	}
}

/**
 * The aspect as the group saw it at log position `seq`: the state before the
 * first framework mark at or after `seq` (a mark's position is the log's head
 * when it was taken, so a change at that position came before it), else now.
 */
export function aspectAt<T extends AspectState>(
	current: T,
	marks: readonly { readonly kind: string; readonly name: string; readonly seq: number }[],
	seq: number
): AspectState {
	const next = marks.filter((m) => m.kind === 'framework' && m.seq >= seq).sort((a, b) => a.seq - b.seq)[0];
	const change = next ? changeOfMark(next.name) : null;
	return change?.before ?? current;
}
