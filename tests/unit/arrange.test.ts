import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	CLUSTER_HEADER,
	arrange,
	arrangeByCluster,
	clusterOf,
	clustersMap,
	createCluster,
	deleteCluster,
	listClusters,
	setNoteCluster
} from '#lib/domain/arrange.ts';
import { createNote, listNotes, notesMap, readNote } from '#lib/domain/notes.ts';
import { occupancyOf } from '#lib/domain/lane-space.ts';
import { COLLECTIVE_W, NOTE_GAP, NOTE_H, NOTE_W, notePosition, type RegionKind } from '#lib/domain/board-space.ts';
import { checkUpdate, type Writer } from '#server/schema-check.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { mulberry32 } from '../helpers/random.ts';

const me = 'Member-me-000001' as MemberId;

function scattered(n: number, kind: RegionKind, seed = 3): { doc: Y.Doc; ids: NoteId[] } {
	const doc = new Y.Doc();
	const random = mulberry32(seed);
	const ids = Array.from({ length: n }, (_, i) =>
		createNote(doc, { createdBy: me, at: i, text: `n${i}`, place: { x: Math.floor(random() * 600), y: Math.floor(random() * 400), kind } })
	);
	return { doc, ids };
}

const overlaps = (doc: Y.Doc, kind: RegionKind) => {
	const space = occupancyOf(doc, kind);
	return listNotes(doc).flatMap((n) => space.overlapping(notePosition(n, kind), n.id));
};

describe('arrange', () => {
	it('tidies a heap into a grid in reading order, as one change that one undo takes back', () => {
		const { doc, ids } = scattered(12, 'member');
		expect(overlaps(doc, 'member').length).toBeGreaterThan(0);
		const before = listNotes(doc).map((n) => [n.id, n.px, n.py]);
		const readingOrder = listNotes(doc).map((n) => n.id);
		const undo = new Y.UndoManager(notesMap(doc), { trackedOrigins: new Set(['me']) });
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);

		arrange(doc, 'member', [], 'me');
		expect(transactions).toBe(1);
		expect(overlaps(doc, 'member')).toEqual([]);
		// Reading order is kept, five to a row.
		expect(listNotes(doc).map((n) => n.id)).toEqual(readingOrder);
		expect(new Set(listNotes(doc).map((n) => n.py)).size).toBe(3);
		// An explicit order comes first.
		arrange(doc, 'member', [ids[11], ids[4]], 'me');
		expect(listNotes(doc).slice(0, 2).map((n) => n.id)).toEqual([ids[11], ids[4]]);

		undo.undo();
		undo.undo();
		expect(listNotes(doc).map((n) => [n.id, n.px, n.py])).toEqual(before);
	});
});

describe('clusters in the collective lane', () => {
	it('arranged by cluster, each cluster is one block under its name, nothing covers anything', () => {
		const { doc, ids } = scattered(23, 'collective', 9);
		const names = ['Tijd', 'Vertrouwen', 'Ruimte'];
		const clusters = names.map((name, i) => createCluster(doc, { name, x: 100 * i, y: 0 }));
		ids.forEach((id, i) => i < 20 && setNoteCluster(doc, id, clusters[i % 3]));
		expect(listClusters(doc).map((c) => c.name)).toEqual(names);

		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		arrangeByCluster(doc);
		expect(transactions).toBe(1);
		expect(overlaps(doc, 'collective')).toEqual([]);
		// Each cluster's notes lie in a rectangle below its corner that holds no other note.
		const rects = listClusters(doc).map((c) => {
			const mine = ids.filter((id) => clusterOf(doc, id) === c.id).map((id) => notePosition(readNote(doc, id)!, 'collective'));
			for (const p of mine) expect(p.y).toBeGreaterThanOrEqual(c.y + CLUSTER_HEADER);
			return {
				c,
				x0: Math.min(...mine.map((p) => p.x)),
				y0: c.y,
				x1: Math.max(...mine.map((p) => p.x)) + NOTE_W,
				y1: Math.max(...mine.map((p) => p.y)) + NOTE_H
			};
		});
		for (const r of rects) {
			expect(r.x1).toBeLessThanOrEqual(COLLECTIVE_W);
			for (const n of listNotes(doc)) {
				const p = notePosition(n, 'collective');
				const inside = p.x >= r.x0 && p.x + NOTE_W <= r.x1 && p.y >= r.y0 && p.y + NOTE_H <= r.y1;
				expect(inside).toBe(clusterOf(doc, n.id) === r.c.id);
			}
		}
		// Notes in no cluster come after the clusters.
		const loose = ids.slice(20).map((id) => notePosition(readNote(doc, id)!, 'collective'));
		const lowest = Math.max(...rects.map((r) => r.y0));
		for (const p of loose) expect(p.y).toBeGreaterThanOrEqual(lowest);
		expect(loose.every((p) => p.x >= NOTE_GAP)).toBe(true);
	});

	it('deleting a cluster keeps its notes where they are, in no cluster', () => {
		const doc = new Y.Doc();
		const c = createCluster(doc, { name: '  Samen leren  ', x: 10, y: 10 });
		const n = createNote(doc, { createdBy: me, at: 1, place: { x: 40, y: 80, kind: 'collective' } });
		setNoteCluster(doc, n, c);
		expect(listClusters(doc)[0].name).toBe('Samen leren');
		deleteCluster(doc, c);
		expect(clusterOf(doc, n)).toBeNull();
		expect(readNote(doc, n)).toMatchObject({ px: 40, py: 80 });
		expect(clustersMap(doc).size).toBe(0);
	});

	it('the server takes clusters in the collective lane, and refuses them elsewhere or malformed', () => {
		const attempt = (kind: Writer['kind'], write: (doc: Y.Doc) => void) => {
			const server = new Y.Doc();
			const client = new Y.Doc();
			const problems: (string | null)[] = [];
			client.on('update', (u: Uint8Array) => {
				const problem = checkUpdate(server, u, { kind, memberId: me });
				problems.push(problem);
				if (!problem) Y.applyUpdate(server, u);
			});
			write(client);
			return problems;
		};
		const good = (doc: Y.Doc) => {
			const c = createCluster(doc, { name: 'Tijd', x: 16, y: 16 });
			setNoteCluster(doc, createNote(doc, { createdBy: me, at: 1, text: 'x' }), c);
			arrangeByCluster(doc);
		};
		expect(attempt('collective', good)).toEqual([null, null, null, null]);
		expect(attempt('lane', (doc) => createCluster(doc, { name: 'Tijd', x: 0, y: 0 }))[0]).toMatch(/unknown top-level type/);
		expect(attempt('collective', (doc) => doc.transact(() => {
			const c = new Y.Map<unknown>();
			c.set('name', 'x'.repeat(500));
			clustersMap(doc).set('Cluster-id-00001', c);
		}))[0]).toMatch(/cluster field "name"/);
		expect(attempt('lane', (doc) => {
			const n = createNote(doc, { createdBy: me, at: 1 });
			(notesMap(doc).get(n) as Y.Map<unknown>).set('cluster', 'Cluster-id-00001');
		})[1]).toMatch(/unknown note field "cluster"/);
	});
});
