import * as Y from 'yjs';
import type { BoardId, MemberId } from './ids.ts';
import { GOALS_ASPECT, type Aspect, type ArchivedAspect, type Framework } from './frameworks.ts';
import { readActivities, type Activity } from './activities.ts';

export type { RoundInfo } from './activities.ts';

/**
 * The practice document (`practice/<id>`): written only by the server,
 * read by every member. It tells clients the practice's name, framework and
 * members, so lanes appear live as people join.
 *   info: Y.Map { name, framework (JSON) }
 *   members: Y.Map memberId → { name, role, joinedAt, removed? }
 *   activities: Y.Map `<kind>/<boardId>` → Activity (silent rounds, collection windows: see activities.ts)
 */
export const ROLES = ['facilitator', 'participant', 'observer'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (v: unknown): v is Role => ROLES.includes(v as Role);

export const canWrite = (role: Role): boolean => role !== 'observer';

export interface MemberInfo {
	readonly id: MemberId;
	readonly name: string;
	readonly role: Role;
	readonly joinedAt: number;
	/** Removed by a facilitator: no access any more; their shared notes stay, read-only. */
	readonly removed?: boolean;
	/** Was a participant or facilitator once: their lane stays on the board, read-only, if they become an observer. */
	readonly hadLane?: boolean;
}

export interface PracticeInfo {
	readonly name: string;
	readonly framework: Framework | null;
	readonly members: readonly MemberInfo[];
	/** The latest activity of each kind on each board (activities.ts). */
	readonly activities: readonly Activity[];
	/** When the invites were last renewed, if ever: the room's screen then shows the new link (server/practices.ts). */
	readonly invitesRenewedAt: number | null;
}

const info = (doc: Y.Doc) => doc.getMap<unknown>('info');
const members = (doc: Y.Doc) => doc.getMap<unknown>('members');

export function removeMemberInfo(doc: Y.Doc, id: MemberId, origin: unknown = null): void {
	doc.transact(() => members(doc).delete(id), origin);
}

export function writePracticeInfo(doc: Y.Doc, name: string, framework: Framework, origin: unknown = null): void {
	doc.transact(() => {
		info(doc).set('name', name);
		info(doc).set('framework', framework);
	}, origin);
}

export function markInvitesRenewed(doc: Y.Doc, at: number, origin: unknown = null): void {
	doc.transact(() => info(doc).set('invitesRenewedAt', at), origin);
}

export function setPracticeFramework(doc: Y.Doc, framework: Framework, origin: unknown = null): void {
	doc.transact(() => info(doc).set('framework', framework), origin);
}

export function writeMember(doc: Y.Doc, member: MemberInfo, origin: unknown = null): void {
	doc.transact(() => {
		members(doc).set(member.id, {
			name: member.name,
			role: member.role,
			joinedAt: member.joinedAt,
			...(member.removed ? { removed: true } : {}),
			...(member.hadLane || member.role !== 'observer' ? { hadLane: true } : {})
		});
	}, origin);
}

export function readPractice(doc: Y.Doc): PracticeInfo {
	const name = info(doc).get('name');
	const framework = info(doc).get('framework');
	const renewed = info(doc).get('invitesRenewedAt');
	const list: MemberInfo[] = [];
	members(doc).forEach((value, id) => {
		const m = value as { name?: unknown; role?: unknown; joinedAt?: unknown; removed?: unknown; hadLane?: unknown } | null;
		if (m && typeof m.name === 'string' && isRole(m.role)) {
			list.push({
				id: id as MemberId,
				name: m.name,
				role: m.role,
				joinedAt: Number(m.joinedAt) || 0,
				removed: m.removed === true,
				hadLane: m.hadLane === true
			});
		}
	});
	list.sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
	return {
		name: typeof name === 'string' ? name : '',
		framework: framework && typeof framework === 'object' ? (framework as Framework) : null,
		members: list,
		activities: readActivities(doc),
		invitesRenewedAt: typeof renewed === 'number' ? renewed : null
	};
}

/** The boards of a practice: one per aspect, then the goals board. */
export function boardsOf(framework: Framework): readonly Aspect[] {
	return [...framework.aspects, GOALS_ASPECT];
}

/** Boards of aspects removed while the practice ran: read-only, their history and reports intact. */
export function archivedBoardsOf(framework: Framework): readonly ArchivedAspect[] {
	return framework.archived ?? [];
}

/** Every board a practice ever had: the live ones, then the archived ones. */
export function allBoardsOf(framework: Framework): readonly Aspect[] {
	return [...boardsOf(framework), ...archivedBoardsOf(framework)];
}

/** A board by id, live or archived (archived boards stay readable). */
export function findBoard(framework: Framework, boardId: BoardId | string): Aspect | undefined {
	return allBoardsOf(framework).find((a) => a.id === boardId);
}

export const isArchived = (framework: Framework, boardId: BoardId | string): boolean =>
	archivedBoardsOf(framework).some((a) => a.id === boardId);

/** Members who have an individual lane: everyone but observers who never had one. */
export const laneOwners = (list: readonly MemberInfo[]): MemberInfo[] =>
	list.filter((m) => m.role !== 'observer' || m.hadLane === true);
