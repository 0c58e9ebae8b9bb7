import { describe, expect, it } from 'vitest';
import { Hocuspocus, type Document } from '@hocuspocus/server';
import { guardUnloads } from '#server/unload-guard.ts';

/**
 * A connection that joins a document in the moment its last connection left
 * must land on the live document, not on one that is being unloaded: else it
 * syncs, and then never hears another change (server/unload-guard.ts).
 */
function server(guarded: boolean) {
	const hocuspocus = new Hocuspocus({ quiet: true });
	if (guarded) guardUnloads(hocuspocus);
	return hocuspocus;
}

/** The last connection leaves and, in the same moment, a new one asks for the document (as Hocuspocus's ClientConnection does). */
async function joinWhileUnloading(hocuspocus: Hocuspocus) {
	const first = await hocuspocus.openDirectConnection('practice/board/anonymous');
	const document = first.document!;
	document.removeDirectConnection();
	const unloading = hocuspocus.unloadDocument(document);
	const joined: Document = await hocuspocus.createDocument('practice/board/anonymous', new Request('http://localhost'), 'socket', { isAuthenticated: true, readOnly: true });
	joined.addDirectConnection();
	await unloading;
	return { before: document, joined };
}

describe('unloading a document while a connection joins it', () => {
	// Hocuspocus's own behaviour (4.7.0): when this starts failing, Hocuspocus fixed it and the guard can go.
	it('without the guard, Hocuspocus hands the connection a document it then destroys', async () => {
		const hocuspocus = server(false);
		const { joined } = await joinWhileUnloading(hocuspocus);
		expect(joined.isDestroyed).toBe(true);
		expect(hocuspocus.documents.get('practice/board/anonymous')).toBeUndefined();
	});

	it('with the guard, the connection gets the live document, and later writes reach it', async () => {
		const hocuspocus = server(true);
		const { joined } = await joinWhileUnloading(hocuspocus);
		expect(joined.isDestroyed).toBe(false);
		expect(hocuspocus.documents.get('practice/board/anonymous')).toBe(joined);
		const writer = await hocuspocus.openDirectConnection('practice/board/anonymous');
		await writer.transact((doc) => doc.getMap('notes').set('n', 'written after the join'));
		expect(joined.getMap('notes').get('n')).toBe('written after the join');
	});

	it('a document nobody joined after all is still unloaded', async () => {
		const hocuspocus = server(true);
		await hocuspocus.createDocument('practice/board/lane', new Request('http://localhost'), 'socket', { isAuthenticated: true, readOnly: true });
		await expect.poll(() => hocuspocus.documents.has('practice/board/lane')).toBe(false);
	});
});
