import type { BoardId, MemberId, PracticeId } from './ids.ts';
import { isRandomId, isSlug } from './ids.ts';

/**
 * Every Yjs document Zwerm serves, and the one place that names them.
 * Access is decided per document (see docs/ARCHITECTURE.md), so content with
 * different audiences must live in different documents.
 */
export type DocName =
	| { readonly kind: 'practice'; readonly practiceId: PracticeId }
	| { readonly kind: 'collective'; readonly practiceId: PracticeId; readonly boardId: BoardId }
	| {
			readonly kind: 'lane' | 'private';
			readonly practiceId: PracticeId;
			readonly boardId: BoardId;
			readonly memberId: MemberId;
	  }
	| { readonly kind: 'anonymous'; readonly practiceId: PracticeId; readonly boardId: BoardId };

export const practiceDoc = (practiceId: PracticeId): string => `practice/${practiceId}`;
export const collectiveDoc = (practiceId: PracticeId, boardId: BoardId): string =>
	`practice/${practiceId}/board/${boardId}/collective`;
export const laneDoc = (practiceId: PracticeId, boardId: BoardId, memberId: MemberId): string =>
	`practice/${practiceId}/board/${boardId}/lane/${memberId}`;
/** A member's private notes on a board: only that member may open it. */
export const privateDoc = (practiceId: PracticeId, boardId: BoardId, memberId: MemberId): string =>
	`practice/${practiceId}/board/${boardId}/lane/${memberId}/private`;
/** Anonymous notes of a board: written only by the server, so no client id or name leads to an author. */
export const anonymousDoc = (practiceId: PracticeId, boardId: BoardId): string =>
	`practice/${practiceId}/board/${boardId}/anonymous`;

export function formatDocName(name: DocName): string {
	switch (name.kind) {
		case 'practice':
			return practiceDoc(name.practiceId);
		case 'collective':
			return collectiveDoc(name.practiceId, name.boardId);
		case 'lane':
			return laneDoc(name.practiceId, name.boardId, name.memberId);
		case 'private':
			return privateDoc(name.practiceId, name.boardId, name.memberId);
		case 'anonymous':
			return anonymousDoc(name.practiceId, name.boardId);
	}
}

/** Parses a document name; anything not produced by the functions above is `null`. */
export function parseDocName(raw: string): DocName | null {
	if (raw.length > 200) return null;
	const parts = raw.split('/');
	if (parts[0] !== 'practice' || !isRandomId(parts[1] ?? '')) return null;
	const practiceId = parts[1] as PracticeId;
	if (parts.length === 2) return { kind: 'practice', practiceId };
	if (parts[2] !== 'board' || !isSlug(parts[3] ?? '')) return null;
	const boardId = parts[3] as BoardId;
	if (parts.length === 5 && parts[4] === 'collective') return { kind: 'collective', practiceId, boardId };
	if (parts.length === 5 && parts[4] === 'anonymous') return { kind: 'anonymous', practiceId, boardId };
	if ((parts.length === 6 || parts.length === 7) && parts[4] === 'lane' && isRandomId(parts[5])) {
		const memberId = parts[5] as MemberId;
		if (parts.length === 6) return { kind: 'lane', practiceId, boardId, memberId };
		if (parts[6] === 'private') return { kind: 'private', practiceId, boardId, memberId };
	}
	return null;
}
