import type { BoardState, LaneState } from '#lib/sync/board.svelte.ts';
import type { RegionKind } from '#lib/domain/board-space.ts';
import { createNote, noteContent, placementSpace, plainText } from '#lib/domain/notes.ts';
import { setAnonymous, setRound } from '#lib/domain/visibility.ts';
import type { Findable } from '#lib/domain/find.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { t } from '#lib/i18n/index.svelte.ts';
import { laneMember, memberLane, type LaneKey } from '#lib/domain/lanes.ts';
import { laneOwners } from '#lib/domain/practice.ts';

/** The board's lanes in reading order: Samen, my private notes, my notes, the anonymous lane, everyone else's. */
export function boardLanes(board: BoardState): LaneState[] {
	const mine = board.lanes.filter((l) => l.key === board.myLaneKey);
	const others = board.lanes.filter((l) => l.key !== board.myLaneKey);
	return [board.collective, ...(board.privateLane ? [board.privateLane] : []), ...mine, board.anonymous, ...others];
}

/**
 * The board as the group sees it (an observer, the room's screen, a
 * presenting facilitator): Samen, the anonymous lane, then every member's lane
 * in the practice's order; no private lane. Views travel in its board units
 * (src/lib/domain/presence.ts).
 */
export function groupLanes(board: BoardState): LaneState[] {
	const order = new Map<string, number>(laneOwners(board.practice.info.members).map((m, i) => [memberLane(m.id), i]));
	const members = [...board.lanes].sort((a, b) => (order.get(a.key) ?? Infinity) - (order.get(b.key) ?? Infinity));
	return [board.collective, board.anonymous, ...members];
}

export function regionKind(lane: LaneState): RegionKind {
	return lane.key === 'collective' ? 'collective' : lane.key === 'anonymous' ? 'anonymous' : lane.key === 'private' ? 'private' : 'member';
}

/** A lane's title on the board, the canvas and the list alike: Samen, Privé, Anoniem, Mijn notities, Notities van Anna. */
export function laneTitle(board: BoardState, key: LaneKey): string {
	if (key === 'collective') return t('board.collectiveLane');
	if (key === 'private') return t('board.privateLane');
	if (key === 'anonymous') return t('board.anonymousLane');
	if (key === board.myLaneKey) return t('board.myLane');
	const removed = board.practice.info.members.find((m) => m.id === laneMember(key))?.removed === true;
	return removed ? t('board.removed', { name: board.laneName(key) }) : t('board.laneOf', { name: board.laneName(key) });
}

export function laneHint(lane: LaneState): string {
	if (lane.key === 'collective') return t('board.collectiveHint');
	if (lane.key === 'private') return t('board.privateHint');
	if (lane.key === 'anonymous') return t('board.anonymousHint');
	return '';
}

/** Who wrote a note, as far as I may know (null for anonymous notes). */
export function authorOf(board: BoardState, lane: LaneState, createdBy: string | null): string | null {
	if (lane.key === 'anonymous') return null;
	if (lane.key === 'private') return board.me.id;
	if (lane.key === 'collective') return createdBy;
	return laneMember(lane.key);
}

/** Everything on the board a find looks through, in reading order. */
export function* findables(board: BoardState): Generator<Findable> {
	for (const lane of boardLanes(board)) {
		for (const note of lane.notes) {
			let text = '';
			try {
				text = plainText(noteContent(lane.doc, note.id));
			} catch {
				// Deleted in this very turn: nothing to find in it.
			}
			yield { lane: lane.key, id: note.id, text, author: authorOf(board, lane, note.createdBy), color: note.color, loop: note.loop };
		}
	}
}

/** A free place in a lane, in board units, so a note made in the list covers nothing on the canvas. */
function freePlace(lane: LaneState) {
	const kind = regionKind(lane);
	// From the document: in Samen its groups' frames count as taken too.
	const space = placementSpace(lane.doc, kind);
	return { ...space.place(), kind };
}

/**
 * A new note in a lane, as the canvas makes it: in my own lane it follows the
 * practice's default visibility; during a silent round it is private until the
 * reveal. Returns where it was written.
 */
export function addNote(board: BoardState, lane: LaneState): { lane: LaneState; id: NoteId } {
	const round = board.round;
	const individual = lane.key === 'private' || lane.key === board.myLaneKey;
	const privately = board.privateLane && individual && (lane.key === 'private' || round || board.defaultVisibility !== 'shared');
	const target = privately ? board.privateLane! : lane;
	const id = createNote(target.doc, { createdBy: board.me.id, at: Date.now(), place: freePlace(target) });
	if (privately && round) setRound(target.doc, id, round.id, lane.key === 'private' ? 'private' : board.defaultVisibility);
	else if (privately && lane.key !== 'private' && board.defaultVisibility === 'anonymous') setAnonymous(target.doc, id, true);
	return { lane: target, id };
}

/** The anonymous lane's own button: written in my private document, flagged at once (never through my named lane). */
export function addAnonymousNote(board: BoardState): { lane: LaneState; id: NoteId } | null {
	const priv = board.privateLane;
	if (!priv) return null;
	const id = createNote(priv.doc, { createdBy: board.me.id, at: Date.now(), place: freePlace(priv) });
	if (board.round) setRound(priv.doc, id, board.round.id, 'anonymous');
	else setAnonymous(priv.doc, id, true);
	return { lane: priv, id };
}
