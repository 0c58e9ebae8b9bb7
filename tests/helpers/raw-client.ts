import WebSocket from 'ws';
import { waitFor } from './clients.ts';
import { authFrame, decodeServerMessage, syncStep1Frame, type ServerMessage } from './protocol.ts';

/**
 * A bare websocket that speaks the Hocuspocus protocol by hand, for sending
 * what no well-behaved provider would. Records everything the server says.
 */
export interface RawClient {
	readonly ws: WebSocket;
	readonly received: ServerMessage[];
	readonly closed: { code: number; reason: string } | null;
	send(frame: Uint8Array): void;
	/** Resolves with the first message (from `from` on) that matches. */
	next<T extends ServerMessage['type']>(
		type: T | T[],
		from?: number,
		timeout?: number
	): Promise<Extract<ServerMessage, { type: T }>>;
	/** Authenticates for a document and completes the first sync step. */
	open(documentName: string, token: string): Promise<void>;
	close(): void;
}

const openClients = new Set<RawClient>();

export async function rawConnect(wsUrl: string): Promise<RawClient> {
	const ws = new WebSocket(wsUrl);
	const received: ServerMessage[] = [];
	let closed: { code: number; reason: string } | null = null;
	ws.binaryType = 'nodebuffer';
	ws.on('message', (data: Buffer) => received.push(decodeServerMessage(new Uint8Array(data))));
	ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
	ws.on('error', () => {});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});

	const client: RawClient = {
		ws,
		received,
		get closed() {
			return closed;
		},
		send: (frame) => ws.send(frame),
		async next(type, from = 0, timeout = 10000) {
			const types = Array.isArray(type) ? type : [type];
			let found: ServerMessage | undefined;
			await waitFor(
				() => (found = received.slice(from).find((m) => (types as string[]).includes(m.type))) !== undefined,
				`server message ${types.join('|')}`,
				timeout
			);
			return found as never;
		},
		async open(documentName, token) {
			const from = received.length;
			ws.send(authFrame(documentName, token));
			const answer = await client.next(['authenticated', 'permission-denied'], from);
			if (answer.type !== 'authenticated') throw new Error(`not authenticated: ${answer.reason}`);
			const syncFrom = received.length;
			ws.send(syncStep1Frame(documentName, new Uint8Array([0])));
			await client.next('sync', syncFrom);
		},
		close() {
			openClients.delete(client);
			ws.terminate();
		}
	};
	openClients.add(client);
	return client;
}

/** For afterEach: closes every raw client still open. */
export function closeRawClients(): void {
	for (const c of [...openClients]) c.close();
}
