import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { persistLocally, type LocalCopy } from './local.ts';

export const COLLAB_PATH = '/collab';

/**
 * Reconnecting: exponential backoff with jitter, so that after a server
 * restart a room full of clients does not come back in one burst. Failed
 * attempts wait a random time between 0.25 s and the delay (doubling up to 10 s).
 */
export const RECONNECT = { delay: 1000, minDelay: 250, factor: 2, maxDelay: 10000, jitter: true } as const;

/**
 * The settings for one socket. The provider waits a fixed `delay` after a
 * connection drops before its first attempt (only later attempts are
 * jittered), so every client that lost the server at the same moment would
 * come back at the same moment: each socket draws its own delay (0.5–2 s).
 */
export function reconnectSettings(random: () => number = Math.random) {
	return { ...RECONNECT, delay: Math.round(RECONNECT.delay * (0.5 + 1.5 * random())) };
}

/** One websocket per page; every document's provider is multiplexed over it. */
export function openSocket(): HocuspocusProviderWebsocket {
	const url = new URL(COLLAB_PATH, location.href);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	return new HocuspocusProviderWebsocket({ url: url.href, ...reconnectSettings() });
}

/** A document's provider and this browser's copy of it. */
export interface OpenDocument {
	readonly provider: HocuspocusProvider;
	readonly local: LocalCopy | null;
}

export interface OpenOptions {
	/** Without awareness: no presence on this document. */
	readonly awareness?: boolean;
	/**
	 * The room's screen (server/screens.ts): signs in with the screen's cookie,
	 * never a member's, and keeps no copy in the browser (a shared machine that
	 * only shows).
	 */
	readonly screen?: boolean;
}

/**
 * A document over the shared socket. The browser authenticates with its
 * httpOnly session cookie, sent with the websocket upgrade; the token field
 * only tells the server to look there (`cookie`: a member's, `screen`: the
 * room's screen's).
 */
export function openDocument(socket: HocuspocusProviderWebsocket, name: string, options: OpenOptions = {}): HocuspocusProvider {
	return openDocumentWithCopy(socket, name, options).provider;
}

/** `openDocument`, also handing out the local copy (what waits for the server). */
export function openDocumentWithCopy(socket: HocuspocusProviderWebsocket, name: string, options: OpenOptions = {}): OpenDocument {
	const document = new Y.Doc();
	// The local copy and the provider share the document: offline edits land in
	// IndexedDB at once and reach the server when the connection is back.
	const local = options.screen ? null : persistLocally(name, document);
	const provider = new HocuspocusProvider({
		websocketProvider: socket,
		name,
		document,
		token: options.screen ? 'screen' : 'cookie',
		...(options.awareness === false ? { awareness: null as unknown as Awareness } : {})
	});
	local?.track(provider);
	provider.attach();
	if (local) provider.on('destroy', () => void local.destroy());
	return { provider, local };
}
