import type { Hocuspocus } from '@hocuspocus/server';

/**
 * Keeps Hocuspocus from unloading a document that a connection is about to
 * join.
 *
 * Hocuspocus 4.7 hands a connection the loaded document (`createDocument`) and
 * attaches the connection a few microtasks later. An unload that began just
 * before (the last connection left: a mirror write's direct connection, say)
 * checks "no connections" once more in that gap, finds none, and destroys the
 * document. The new connection then sits on an orphan: it synced, but it never
 * hears another change, and its own changes go nowhere. Seen as an observer
 * whose anonymous lane stayed empty after a reveal, about 1 in 50 times on a
 * loaded machine.
 *
 * The guard counts connections on their way to a document and holds unloading
 * while any is, until a macrotask later (by then the connection is attached,
 * or failed). A connection that arrives while an unload runs waits for it and
 * loads the document afresh. When the last one has passed, an unload that was
 * held is tried again, so an unused document does not stay in memory.
 */
export function guardUnloads(hocuspocus: Hocuspocus): void {
	const arriving = new Map<string, number>();
	const create = hocuspocus.createDocument.bind(hocuspocus);
	const shouldUnload = hocuspocus.shouldUnloadDocument.bind(hocuspocus);

	hocuspocus.shouldUnloadDocument = (document) => !arriving.has(document.name) && shouldUnload(document);

	hocuspocus.createDocument = async (name, ...rest) => {
		arriving.set(name, (arriving.get(name) ?? 0) + 1);
		try {
			for (let unloading = hocuspocus.unloadingDocuments.get(name); unloading; unloading = hocuspocus.unloadingDocuments.get(name)) await unloading;
			return await create(name, ...rest);
		} finally {
			setImmediate(() => arrived(name));
		}
	};

	function arrived(name: string): void {
		const left = (arriving.get(name) ?? 1) - 1;
		if (left > 0) return void arriving.set(name, left);
		arriving.delete(name);
		const document = hocuspocus.documents.get(name);
		if (document && hocuspocus.shouldUnloadDocument(document)) void hocuspocus.unloadDocument(document);
	}
}
