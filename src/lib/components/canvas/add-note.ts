import type { BoardState, LaneState } from '#lib/sync/board.svelte.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { createNote } from '#lib/domain/notes.ts';
import { placementSpace } from '#lib/domain/lane-space.ts';
import { setAnonymous, setRound } from '#lib/domain/visibility.ts';
import { NOTE_H, NOTE_W, type Point } from '#lib/domain/board-space.ts';
import { regionKind } from './regions.ts';

/**
 * A free place in a lane, nearest to `near` (a place in the region the view
 * shows, say) or else the first free one in reading order: a new note covers
 * nothing.
 */
export function freePlace(lane: LaneState, near?: Point): Point {
	const kind = regionKind(lane.key);
	// From the document: in Samen its groups' frames count as taken too.
	const occupancy = placementSpace(lane.doc, kind);
	return occupancy.place(near ? { near: { x: Math.max(0, near.x - NOTE_W / 2), y: Math.max(0, near.y - NOTE_H / 2) } } : {});
}

/**
 * A new note of mine in a lane: in my own lane it follows the practice's
 * default visibility; during a silent round it is private until the reveal,
 * then becomes what I chose. Returns where it was written.
 */
export function addNote(board: BoardState, lane: LaneState, near?: Point): { lane: LaneState; id: NoteId } {
	const round = board.round;
	const mine = lane.key === board.myLaneKey;
	const individual = lane.key === 'private' || mine;
	const privately = board.privateLane && individual && (lane.key === 'private' || round || board.defaultVisibility !== 'shared');
	const target = privately ? board.privateLane! : lane;
	// `near` is a place in the lane asked for; a note written elsewhere (privately) goes first free there.
	const place = freePlace(target, target === lane ? near : undefined);
	// `auto`: placed by the program, so a replica that placed another note on the same slot at once settles it (src/lib/sync/settle.ts).
	const id = createNote(target.doc, { createdBy: board.me.id, at: Date.now(), place: { ...place, kind: regionKind(target.key) }, auto: true });
	if (privately && round) setRound(target.doc, id, round.id, lane.key === 'private' ? 'private' : board.defaultVisibility);
	else if (privately && lane.key !== 'private' && board.defaultVisibility === 'anonymous') setAnonymous(target.doc, id, true);
	return { lane: target, id };
}

/**
 * The anonymous lane's own button: the note is written in my private
 * document and flagged at once, so it never passes through my named lane
 * (where everyone would see it appear, with my name, right before the
 * anonymous one). During a silent round it waits for the reveal.
 */
export function addAnonymousNote(board: BoardState, near?: Point): { lane: LaneState; id: NoteId } | null {
	const priv = board.privateLane;
	if (!priv) return null;
	const place = freePlace(priv, near);
	const id = createNote(priv.doc, { createdBy: board.me.id, at: Date.now(), place: { ...place, kind: 'private' }, auto: true });
	if (board.round) setRound(priv.doc, id, board.round.id, 'anonymous');
	else setAnonymous(priv.doc, id, true);
	return { lane: priv, id };
}
