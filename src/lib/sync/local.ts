import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

const PREFIX = 'zwerm:';

/**
 * Keeps a document in this browser's IndexedDB, so a board visited before
 * opens and accepts edits without a connection; the provider syncs them later.
 */
export function persistLocally(name: string, doc: Y.Doc): IndexeddbPersistence | null {
	if (typeof indexedDB === 'undefined') return null;
	return new IndexeddbPersistence(PREFIX + name, doc);
}

/** Leaving or being removed clears everything this browser kept of the practice. */
export async function forgetPracticeLocally(practiceId: string): Promise<void> {
	const prefix = `${PREFIX}practice/${practiceId}`;
	const databases = typeof indexedDB !== 'undefined' && 'databases' in indexedDB ? await indexedDB.databases() : [];
	await Promise.all(
		databases
			.map((d) => d.name)
			.filter((name): name is string => !!name && (name === prefix || name.startsWith(`${prefix}/`)))
			.map(
				(name) =>
					new Promise<void>((resolve) => {
						const request = indexedDB.deleteDatabase(name);
						request.onsuccess = request.onerror = request.onblocked = () => resolve();
					})
			)
	);
	navigator.serviceWorker?.controller?.postMessage({ type: 'forget-practice', practiceId });
}
