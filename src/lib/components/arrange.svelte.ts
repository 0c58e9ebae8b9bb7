import type { LaneKey, LaneState } from '#lib/sync/board.svelte.ts';
import { arrange, arrangeByCluster, arrangeCollectiveGrid, clustersMap, createCluster, deleteCluster, placeForCluster, renameCluster } from '#lib/domain/arrange.ts';
import { notesMap } from '#lib/domain/notes.ts';
import type { RegionKind } from '#lib/domain/board-space.ts';
import { undoable, type Undoable } from '#lib/sync/undoable.ts';
import { t } from '#lib/i18n/index.svelte.ts';

export type ArrangeHow = 'grid' | 'clusters';

/** How long the "Geordend — Ongedaan maken" notice stays, unless the pointer or the focus is on it. */
export const NOTICE_MS = 30_000;

const kindOf = (key: LaneKey): RegionKind =>
	key === 'collective' ? 'collective' : key === 'private' ? 'private' : key === 'anonymous' ? 'anonymous' : 'member';

/**
 * Arranging a lane and the collective lane's groups, as this person does it:
 * the last arrange can be undone (only that change, see `undoable`) while its
 * notice shows; which group's name is being edited.
 */
export class ArrangeUi {
	/** The notice after an arrange: which lane, and its title as the notice says it. */
	notice = $state.raw<{ readonly lane: LaneKey; readonly title: string } | null>(null);
	/** The group whose name is being edited (on its frame or its heading in the list). */
	renaming = $state<string | null>(null);
	private change: Undoable | null = null;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private held = false;
	private readonly announce: (text: string) => void;

	constructor(announce: (text: string) => void) {
		this.announce = announce;
	}

	/** Tidies a lane (into a grid, or by group in the collective lane) as one change that can be undone. */
	run(lane: LaneState, how: ArrangeHow, title: string): void {
		this.dismiss();
		const doc = lane.doc;
		const collective = lane.key === 'collective';
		const scope = collective ? [notesMap(doc), clustersMap(doc)] : [notesMap(doc)];
		const change = undoable(scope as never, (origin) => {
			if (how === 'clusters' && collective) arrangeByCluster(doc, origin);
			else if (collective) arrangeCollectiveGrid(doc, origin);
			else arrange(doc, kindOf(lane.key), [], origin);
		});
		if (!change.changed) {
			change.dispose();
			this.announce(t('arrange.already', { lane: title }));
			return;
		}
		this.change = change;
		this.notice = { lane: lane.key, title };
		this.announce(t('arrange.done', { lane: title }));
		this.restartTimer();
	}

	/** Takes the last arrange back (only it: others' edits since stay). */
	undo(): void {
		const change = this.change;
		const notice = this.notice;
		if (!change || !notice) return;
		this.change = null;
		this.notice = null;
		clearTimeout(this.timer);
		change.undo();
		this.announce(t('arrange.undone', { lane: notice.title }));
	}

	dismiss(): void {
		clearTimeout(this.timer);
		this.change?.dispose();
		this.change = null;
		this.notice = null;
	}

	/** The pointer or the focus is on the notice: it stays. */
	hold(held: boolean): void {
		this.held = held;
		if (held) clearTimeout(this.timer);
		else this.restartTimer();
	}

	private restartTimer(): void {
		clearTimeout(this.timer);
		if (!this.held && this.notice) this.timer = setTimeout(() => this.dismiss(), NOTICE_MS);
	}

	/** A new group in the collective lane, where it covers nothing; its name is edited at once. */
	createGroup(collective: LaneState): string {
		const at = placeForCluster(collective.doc);
		const id = createCluster(collective.doc, { name: t('cluster.new'), ...at });
		this.renaming = id;
		this.announce(t('cluster.created'));
		return id;
	}

	rename(collective: LaneState, id: string, name: string): void {
		this.renaming = null;
		if (name.trim()) renameCluster(collective.doc, id, name);
	}

	/** Removes a group; its notes stay where they are. */
	remove(collective: LaneState, id: string, name: string): void {
		if (!confirm(t('cluster.confirmDelete', { name }))) return;
		deleteCluster(collective.doc, id);
		this.announce(t('cluster.deleted', { name }));
	}
}
