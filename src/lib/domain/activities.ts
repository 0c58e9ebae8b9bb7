import type * as Y from 'yjs';

/**
 * Facilitated activities: what a facilitator runs on a board for a while —
 * a silent round, a collection window (and, with the room, a vote, a sharing
 * round, a presentation). One concept, a discriminated union on `kind`, kept
 * in the practice document (written by the server only, read by every
 * member):
 *
 *   activities: Y.Map `<kind>/<boardId>` → the latest activity of that kind on that board
 *
 * What an activity shows everyone is only what everyone may know: times,
 * counts and who is ready, never content. Adding a kind means adding one
 * variant here (its data and its reader) and one handler on the server
 * (server/activities/).
 */

/** What everyone may know of a silent round: times, counts and who is ready; never content. */
export interface RoundInfo {
	readonly id: string;
	readonly startedAt: number;
	readonly endsAt: number;
	readonly revealedAt: number | null;
	readonly notes: number;
	readonly people: number;
	readonly ready: readonly string[];
}

/**
 * A collection window: a facilitator opens a board for contributions until a
 * deadline, with a question shown prominently. No timer closes it: it is open
 * while `now` is before its deadline (see windows.ts).
 */
export interface CollectionWindow {
	/** The facilitator's own question; null shows the board's first dialogue question. */
	readonly question: string | null;
	readonly opensAt: number;
	readonly deadline: number;
	/** Closed early by a facilitator. */
	readonly closedAt: number | null;
}

/**
 * Bring everyone here: while it runs, every member's page follows the
 * presenter (their board, pan and zoom: presence.svelte.ts) unless they
 * stepped out. Kept under the board where it started; the presenter may move
 * on to other boards. One runs per practice at a time.
 */
export interface Presentation {
	readonly presenter: string;
	readonly startedAt: number;
	readonly endedAt: number | null;
}

export type Activity =
	| ({ readonly kind: 'silent-round'; readonly boardId: string } & RoundInfo)
	| ({ readonly kind: 'collection-window'; readonly boardId: string } & CollectionWindow)
	| ({ readonly kind: 'presentation'; readonly boardId: string } & Presentation);

export type ActivityKind = Activity['kind'];
export type ActivityOf<K extends ActivityKind> = Extract<Activity, { kind: K }>;
/** An activity's own data: the variant without its kind and board. */
export type ActivityData<K extends ActivityKind> = Omit<ActivityOf<K>, 'kind' | 'boardId'>;

export const ACTIVITY_KINDS = ['silent-round', 'collection-window', 'presentation'] as const satisfies readonly ActivityKind[];
export const isActivityKind = (v: unknown): v is ActivityKind => ACTIVITY_KINDS.includes(v as ActivityKind);

/** Reads a round defensively; anything malformed is no round. */
export function toRound(value: unknown): RoundInfo | null {
	const r = value as Partial<Record<keyof RoundInfo, unknown>> | null;
	if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.endsAt !== 'number') return null;
	return {
		id: r.id,
		startedAt: Number(r.startedAt) || 0,
		endsAt: r.endsAt,
		revealedAt: typeof r.revealedAt === 'number' ? r.revealedAt : null,
		notes: Number(r.notes) || 0,
		people: Number(r.people) || 0,
		ready: Array.isArray(r.ready) ? r.ready.filter((x): x is string => typeof x === 'string') : []
	};
}

/** Reads a window defensively; anything malformed is no window. */
export function toWindow(value: unknown): CollectionWindow | null {
	const w = value as Partial<Record<keyof CollectionWindow, unknown>> | null;
	if (!w || typeof w !== 'object' || typeof w.opensAt !== 'number' || typeof w.deadline !== 'number') return null;
	return {
		question: typeof w.question === 'string' && w.question !== '' ? w.question : null,
		opensAt: w.opensAt,
		deadline: w.deadline,
		closedAt: typeof w.closedAt === 'number' ? w.closedAt : null
	};
}

/** Reads a presentation defensively; anything malformed is none. */
export function toPresentation(value: unknown): Presentation | null {
	const p = value as Partial<Record<keyof Presentation, unknown>> | null;
	if (!p || typeof p !== 'object' || typeof p.presenter !== 'string' || typeof p.startedAt !== 'number') return null;
	return { presenter: p.presenter, startedAt: p.startedAt, endedAt: typeof p.endedAt === 'number' ? p.endedAt : null };
}

const readers: { readonly [K in ActivityKind]: (value: unknown) => ActivityData<K> | null } = {
	'silent-round': toRound,
	'collection-window': toWindow,
	presentation: toPresentation
};

/** Where practices from before activities kept them: one map per kind, by board (kinds that came later have none). */
const LEGACY_MAPS: { readonly [K in ActivityKind]?: string } = { 'silent-round': 'rounds', 'collection-window': 'windows' };

const activities = (doc: Y.Doc) => doc.getMap<unknown>('activities');
const keyOf = (kind: ActivityKind, boardId: string) => `${kind}/${boardId}`;

function parse<K extends ActivityKind>(kind: K, boardId: string, value: unknown): ActivityOf<K> | null {
	const data = readers[kind](value);
	return data ? ({ ...data, kind, boardId } as ActivityOf<K>) : null;
}

/** The latest activity of a kind on a board, or null. */
export function readActivity<K extends ActivityKind>(doc: Y.Doc, kind: K, boardId: string): ActivityOf<K> | null {
	const legacy = LEGACY_MAPS[kind];
	const value = activities(doc).get(keyOf(kind, boardId)) ?? (legacy ? doc.getMap<unknown>(legacy).get(boardId) : undefined);
	return parse(kind, boardId, value);
}

/** Every board's latest activity of every kind. */
export function readActivities(doc: Y.Doc): Activity[] {
	const out = new Map<string, Activity>();
	for (const kind of ACTIVITY_KINDS) {
		const legacy = LEGACY_MAPS[kind];
		if (!legacy) continue;
		doc.getMap<unknown>(legacy).forEach((value, boardId) => {
			const a = parse(kind, boardId, value);
			if (a) out.set(keyOf(kind, boardId), a);
		});
	}
	activities(doc).forEach((value, key) => {
		const slash = key.indexOf('/');
		const kind = key.slice(0, slash);
		if (slash < 0 || !isActivityKind(kind)) return;
		const a = parse(kind, key.slice(slash + 1), value);
		if (a) out.set(key, a);
		else out.delete(key);
	});
	return [...out.values()];
}

/** Writes an activity as the latest of its kind on its board (and drops the board's entry of the old map). */
export function writeActivity(doc: Y.Doc, activity: Activity, origin: unknown = null): void {
	const { kind, boardId, ...data } = activity;
	doc.transact(() => {
		activities(doc).set(keyOf(kind, boardId), { ...data, ...('ready' in data ? { ready: [...data.ready] } : {}) });
		const name = LEGACY_MAPS[kind];
		const legacy = name ? doc.getMap<unknown>(name) : null;
		if (legacy?.has(boardId)) legacy.delete(boardId);
	}, origin);
}

/** The latest activity of a kind on a board, from a list read before. */
export function activityOn<K extends ActivityKind>(list: readonly Activity[], kind: K, boardId: string): ActivityOf<K> | null {
	return (list.find((a) => a.kind === kind && a.boardId === boardId) as ActivityOf<K> | undefined) ?? null;
}

/** The presentation running in the practice (the latest started, should there be more), or null. */
export function runningPresentation(list: readonly Activity[]): ActivityOf<'presentation'> | null {
	let best: ActivityOf<'presentation'> | null = null;
	for (const a of list) if (a.kind === 'presentation' && a.endedAt === null && (!best || a.startedAt > best.startedAt)) best = a;
	return best;
}

/** The board's latest silent round as everyone may know it, or null. */
export function readRound(doc: Y.Doc, boardId: string): RoundInfo | null {
	const a = readActivity(doc, 'silent-round', boardId);
	if (!a) return null;
	const { kind: _kind, boardId: _board, ...round } = a;
	return round;
}
