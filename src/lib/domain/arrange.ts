import * as Y from 'yjs';
import { NOTE_GAP, NOTE_H, NOTE_W, notePosition, regionWidth, type Point, type Rect, type RegionKind } from './board-space.ts';
import { newNoteId, type NoteId } from './ids.ts';
import { listNotes, notesMap, placeNote, type NoteData } from './notes.ts';
import { Occupancy } from './placement.ts';
import { CLUSTER_HEADER, FRAME_PAD, frameRect, reserveFrames } from './cluster-frames.ts';

export { CLUSTER_HEADER, FRAME_PAD };

/**
 * Tidying a lane, and affinity clusters in the collective lane. The
 * collective document holds, beside `notes`, a root map `clusters`:
 *   clusterId → Y.Map { name, x, y }   (x, y: the block's top-left, board units)
 * and a collective note may carry `cluster: clusterId`. Arranging is one
 * transaction, so it is one change that one undo takes back.
 */
export const CLUSTERS_KEY = 'clusters';
export const CLUSTER_NAME_MAX = 80;

const PITCH_X = NOTE_W + NOTE_GAP;
const PITCH_Y = NOTE_H + NOTE_GAP;

export interface Cluster {
	readonly id: string;
	readonly name: string;
	readonly x: number;
	readonly y: number;
}

export const clustersMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(CLUSTERS_KEY);

const columnsOf = (kind: RegionKind) => Math.max(1, Math.floor((regionWidth(kind) - NOTE_GAP) / PITCH_X));
const cleanName = (name: string) => name.trim().slice(0, CLUSTER_NAME_MAX);

/** Clusters in reading order of their blocks. */
export function listClusters(doc: Y.Doc): Cluster[] {
	const out: Cluster[] = [];
	clustersMap(doc).forEach((c, id) => {
		if (!(c instanceof Y.Map)) return;
		const name = c.get('name');
		const x = c.get('x');
		const y = c.get('y');
		out.push({ id, name: typeof name === 'string' ? name : '', x: typeof x === 'number' ? x : 0, y: typeof y === 'number' ? y : 0 });
	});
	return out.sort((a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1));
}

export function createCluster(doc: Y.Doc, init: { name: string; x: number; y: number }, origin: unknown = null): string {
	const id = newNoteId();
	doc.transact(() => {
		const c = new Y.Map<unknown>();
		c.set('name', cleanName(init.name));
		c.set('x', Math.max(0, Math.round(init.x)));
		c.set('y', Math.max(0, Math.round(init.y)));
		clustersMap(doc).set(id, c);
	}, origin);
	return id;
}

export function renameCluster(doc: Y.Doc, id: string, name: string, origin: unknown = null): void {
	doc.transact(() => clustersMap(doc).get(id)?.set('name', cleanName(name)), origin);
}

/** Removes a cluster; its notes stay where they are, in no cluster. */
export function deleteCluster(doc: Y.Doc, id: string, origin: unknown = null): void {
	doc.transact(() => {
		notesMap(doc).forEach((note) => {
			if (note instanceof Y.Map && note.get('cluster') === id) note.delete('cluster');
		});
		clustersMap(doc).delete(id);
	}, origin);
}

/** Puts a note in a cluster, or (null) in none. */
export function setNoteCluster(doc: Y.Doc, noteId: NoteId, clusterId: string | null, origin: unknown = null): void {
	doc.transact(() => {
		const note = notesMap(doc).get(noteId);
		if (!(note instanceof Y.Map)) return;
		if (clusterId && clustersMap(doc).has(clusterId)) note.set('cluster', clusterId);
		else note.delete('cluster');
	}, origin);
}

export const clusterOf = (doc: Y.Doc, noteId: string): string | null => {
	const v = notesMap(doc).get(noteId)?.get('cluster');
	return typeof v === 'string' && clustersMap(doc).has(v) ? v : null;
};

export interface ClusterFrame {
	readonly cluster: Cluster;
	/** Its notes, in reading order. */
	readonly members: readonly NoteData[];
	/** Where it is drawn in the collective region (board units): round its notes with room above for its name (cluster-frames.ts). */
	readonly rect: Rect;
}

/** The frames the clusters are drawn as. Notes read as data, so it works on any lane's notes. */
export function clusterFrames(clusters: readonly Cluster[], notes: readonly NoteData[]): ClusterFrame[] {
	const byCluster = new Map<string, NoteData[]>(clusters.map((c) => [c.id, []]));
	for (const n of notes) if (n.cluster !== null) byCluster.get(n.cluster)?.push(n);
	return clusters.map((cluster) => {
		const members = byCluster.get(cluster.id)!;
		return { cluster, members, rect: frameRect(cluster, members.map((n) => notePosition(n, 'collective'))) };
	});
}

/** The cluster whose frame holds a point (the smallest, where frames overlap). */
export function frameAt(frames: readonly ClusterFrame[], p: Point): ClusterFrame | undefined {
	return frames
		.filter((f) => p.x >= f.rect.x && p.x < f.rect.x + f.rect.w && p.y >= f.rect.y && p.y < f.rect.y + f.rect.h)
		.sort((a, b) => a.rect.w * a.rect.h - b.rect.w * b.rect.h)[0];
}

/** Where a new, empty cluster (or `except`, placed again) goes in the collective lane: a note's place that covers no note and no other cluster's frame. */
export function placeForCluster(doc: Y.Doc, except?: string): Point {
	const notes = listNotes(doc);
	const space = new Occupancy('collective', notes.map((n) => ({ id: n.id, ...notePosition(n, 'collective') })));
	reserveFrames(
		space,
		clusterFrames(
			listClusters(doc).filter((c) => c.id !== except),
			notes
		).map((f) => f.rect)
	);
	return space.place();
}

/** The collective lane's notes with each cluster's together (clusters in order, then the rest): for a plain grid that keeps them near. */
export function clusteredOrder(doc: Y.Doc): string[] {
	const rank = new Map(listClusters(doc).map((c, i) => [c.id, i]));
	const notes = listNotes(doc);
	const r = (n: NoteData) => (n.cluster !== null && rank.has(n.cluster) ? rank.get(n.cluster)! : rank.size);
	return notes.map((n, i) => ({ n, i })).sort((a, b) => r(a.n) - r(b.n) || a.i - b.i).map(({ n }) => n.id);
}

/** Notes in `order` first (those that exist), then the rest in reading order. */
function ordered(doc: Y.Doc, order: readonly string[]): NoteData[] {
	const all = listNotes(doc);
	const byId = new Map(all.map((n) => [n.id as string, n]));
	const first = [...new Set(order)].flatMap((id) => byId.get(id) ?? []);
	const taken = new Set(first.map((n) => n.id));
	return [...first, ...all.filter((n) => !taken.has(n.id))];
}

/** Places a note for arranging; one already there (and placed by a person) is not written again, so a tidy lane stays unchanged. */
function put(doc: Y.Doc, n: NoteData, p: Point, kind: RegionKind, origin: unknown): void {
	if (n.px === p.x && n.py === p.y && !n.auto && notePosition(n, kind).x === p.x && notePosition(n, kind).y === p.y) return;
	placeNote(doc, n.id, p, kind, origin);
}

/**
 * Tidies a lane into a grid in reading order (or `order` first): row after
 * row, as wide as the lane. One transaction: one undo restores the old layout.
 */
export function arrange(doc: Y.Doc, kind: RegionKind, order: readonly string[] = [], origin: unknown = null, top: number = NOTE_GAP): void {
	const cols = columnsOf(kind);
	const notes = ordered(doc, order);
	doc.transact(() => {
		notes.forEach((n, i) => put(doc, n, { x: NOTE_GAP + (i % cols) * PITCH_X, y: top + Math.floor(i / cols) * PITCH_Y }, kind, origin));
	}, origin);
}

/**
 * The collective lane as one grid, each cluster's notes next to each other,
 * the first row low enough for the names of their frames; empty clusters then
 * go where they cover nothing. One transaction.
 */
export function arrangeCollectiveGrid(doc: Y.Doc, origin: unknown = null): void {
	const clusters = listClusters(doc);
	doc.transact(() => {
		arrange(doc, 'collective', clusteredOrder(doc), origin, clusters.length ? CLUSTER_HEADER : NOTE_GAP);
		const used = new Set(listNotes(doc).flatMap((n) => (n.cluster === null ? [] : [n.cluster])));
		for (const c of clusters) {
			if (used.has(c.id)) continue;
			const p = placeForCluster(doc, c.id);
			const cluster = clustersMap(doc).get(c.id)!;
			if (c.x !== p.x) cluster.set('x', p.x);
			if (c.y !== p.y) cluster.set('y', p.y);
		}
	}, origin);
}

/**
 * Lays the collective lane out as blocks, one per cluster (in the order of
 * the clusters' places), each a small grid under room for its name, packed
 * row by row across the lane; notes in no cluster come last, as a block of
 * their own. Each cluster's x, y becomes its block's corner. One transaction.
 */
export function arrangeByCluster(doc: Y.Doc, origin: unknown = null): void {
	const kind: RegionKind = 'collective';
	const width = regionWidth(kind);
	const clusters = listClusters(doc);
	const notes = listNotes(doc);
	const members = new Map<string | null, NoteData[]>([...clusters.map((c) => [c.id, []] as [string, NoteData[]]), [null, []]]);
	for (const n of notes) {
		const c = clusterOf(doc, n.id);
		members.get(c)!.push(n);
	}
	let cursor: Point = { x: NOTE_GAP, y: NOTE_GAP };
	let shelf = 0;
	doc.transact(() => {
		for (const [id, list] of members) {
			if (id === null && list.length === 0) continue;
			const cols = Math.min(columnsOf(kind), Math.max(1, Math.ceil(Math.sqrt(list.length))));
			const rows = Math.max(1, Math.ceil(list.length / cols));
			const w = cols * PITCH_X;
			const h = CLUSTER_HEADER + rows * PITCH_Y;
			if (cursor.x > NOTE_GAP && cursor.x + w > width) cursor = { x: NOTE_GAP, y: cursor.y + shelf + NOTE_GAP };
			if (cursor.x === NOTE_GAP) shelf = 0;
			if (id !== null) {
				const c = clustersMap(doc).get(id)!;
				if (c.get('x') !== cursor.x) c.set('x', cursor.x);
				if (c.get('y') !== cursor.y) c.set('y', cursor.y);
			}
			list.forEach((n, i) =>
				put(doc, n, { x: cursor.x + (i % cols) * PITCH_X, y: cursor.y + CLUSTER_HEADER + Math.floor(i / cols) * PITCH_Y }, kind, origin)
			);
			shelf = Math.max(shelf, h);
			cursor = { x: cursor.x + w + NOTE_GAP, y: cursor.y };
		}
	}, origin);
}
