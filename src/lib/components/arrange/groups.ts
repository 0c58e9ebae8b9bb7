import type { BoardState } from '#lib/sync/board.svelte.ts';
import type { BoardUi } from '../board-ui.svelte.ts';
import type { NoteData } from '#lib/domain/notes.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import { NOTE_H, NOTE_W, type Point } from '#lib/domain/board-space.ts';
import { clusterFrames, frameAt, setNoteCluster } from '#lib/domain/arrange.ts';
import { t } from '#lib/i18n/index.svelte.ts';

/** Puts a collective note in a group, or (null) in none, and says so. */
export function joinGroup(board: BoardState, ui: BoardUi, noteId: NoteId, clusterId: string | null): void {
	const raw = board.collective.notes.find((n) => n.id === noteId)?.cluster ?? null;
	// A group removed meanwhile is no group.
	const before = board.clusters.some((c) => c.id === raw) ? raw : null;
	if (before === clusterId) return;
	setNoteCluster(board.collective.doc, noteId, clusterId);
	const name = (id: string | null) => board.clusters.find((c) => c.id === id)?.name ?? '';
	ui.announce(clusterId ? t('cluster.joined', { name: name(clusterId) }) : t('cluster.left', { name: name(before) }));
}

/**
 * A collective note dropped at `place` (its new top-left in the lane): in the
 * group whose frame (as drawn before the drop) holds its middle, else in none.
 */
export function dropIntoGroup(board: BoardState, ui: BoardUi, note: NoteData, place: Point): void {
	if (board.clusters.length === 0) return;
	const frames = clusterFrames(board.clusters, board.collective.notes);
	const target = frameAt(frames, { x: place.x + NOTE_W / 2, y: place.y + NOTE_H / 2 });
	joinGroup(board, ui, note.id, target?.cluster.id ?? null);
}
