/**
 * The reference relay: a collaboration server built the way y-websocket's
 * server works (its bin/utils.cjs, `setupWSConnection`), in its own process.
 * Per document one `Y.Doc` with an `Awareness`; every incoming message is
 * handled on arrival:
 *   - sync: y-protocols `readSyncMessage` (step 1 answered with step 2,
 *     updates applied); the document's `update` event encodes the update once
 *     and sends that one buffer to every connection of the document;
 *   - awareness: applied; the awareness `update` event encodes the changed
 *     states once and sends them to every connection.
 * No batching, no authentication, no persistence; the document is the URL
 * path. A document is dropped when its last connection closes (y-websocket
 * does that when persistence is configured; without it, it keeps documents
 * until the process ends). Pings every 30 s like y-websocket.
 * Prints nothing; talks to the parent over IPC (see ipc.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { serveStats, type Hello } from './ipc.ts';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const PING_INTERVAL_MS = 30000;

class SharedDoc extends Y.Doc {
	readonly name: string;
	/** Connection → the awareness client ids it controls. */
	readonly conns = new Map<WebSocket, Set<number>>();
	readonly awareness: awarenessProtocol.Awareness;

	constructor(name: string) {
		super({ gc: true });
		this.name = name;
		this.awareness = new awarenessProtocol.Awareness(this);
		this.awareness.setLocalState(null);
		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, conn: WebSocket | null) => {
				const changed = added.concat(updated, removed);
				if (conn !== null) {
					const controlled = this.conns.get(conn);
					if (controlled) {
						for (const id of added) controlled.add(id);
						for (const id of removed) controlled.delete(id);
					}
				}
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
				encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
				const message = encoding.toUint8Array(encoder);
				for (const c of this.conns.keys()) send(this, c, message);
			}
		);
		this.on('update', (update: Uint8Array) => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeUpdate(encoder, update);
			const message = encoding.toUint8Array(encoder);
			for (const c of this.conns.keys()) send(this, c, message);
		});
	}
}

const docs = new Map<string, SharedDoc>();
/** Websocket messages received (for the benchmark's CPU per message). */
let messagesIn = 0;

function getDoc(name: string): SharedDoc {
	let doc = docs.get(name);
	if (!doc) docs.set(name, (doc = new SharedDoc(name)));
	return doc;
}

function onMessage(conn: WebSocket, doc: SharedDoc, message: Uint8Array): void {
	try {
		const encoder = encoding.createEncoder();
		const decoder = decoding.createDecoder(message);
		switch (decoding.readVarUint(decoder)) {
			case MESSAGE_SYNC:
				encoding.writeVarUint(encoder, MESSAGE_SYNC);
				syncProtocol.readSyncMessage(decoder, encoder, doc, conn);
				// Only the type byte: nothing to answer (an update was applied).
				if (encoding.length(encoder) > 1) send(doc, conn, encoding.toUint8Array(encoder));
				break;
			case MESSAGE_AWARENESS:
				awarenessProtocol.applyAwarenessUpdate(doc.awareness, decoding.readVarUint8Array(decoder), conn);
				break;
		}
	} catch (error) {
		console.error(error);
	}
}

function closeConn(doc: SharedDoc, conn: WebSocket): void {
	const controlled = doc.conns.get(conn);
	if (controlled) {
		doc.conns.delete(conn);
		awarenessProtocol.removeAwarenessStates(doc.awareness, [...controlled], null);
		if (doc.conns.size === 0) {
			doc.destroy();
			docs.delete(doc.name);
		}
	}
	conn.close();
}

function send(doc: SharedDoc, conn: WebSocket, message: Uint8Array): void {
	if (conn.readyState !== conn.CONNECTING && conn.readyState !== conn.OPEN) closeConn(doc, conn);
	try {
		conn.send(message, {}, (error) => {
			if (error) closeConn(doc, conn);
		});
	} catch {
		closeConn(doc, conn);
	}
}

function setupConnection(conn: WebSocket, docName: string): void {
	conn.binaryType = 'arraybuffer';
	const doc = getDoc(docName);
	doc.conns.set(conn, new Set());
	conn.on('message', (data: ArrayBuffer) => {
		messagesIn++;
		onMessage(conn, doc, new Uint8Array(data));
	});
	let pong = true;
	const ping = setInterval(() => {
		if (!pong) {
			if (doc.conns.has(conn)) closeConn(doc, conn);
			clearInterval(ping);
		} else if (doc.conns.has(conn)) {
			pong = false;
			try {
				conn.ping();
			} catch {
				closeConn(doc, conn);
				clearInterval(ping);
			}
		}
	}, PING_INTERVAL_MS);
	conn.on('close', () => {
		closeConn(doc, conn);
		clearInterval(ping);
	});
	conn.on('pong', () => (pong = true));
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(encoder, doc);
	send(doc, conn, encoding.toUint8Array(encoder));
	const states = doc.awareness.getStates();
	if (states.size > 0) {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...states.keys()]));
		send(doc, conn, encoding.toUint8Array(encoder));
	}
}

const wss = new WebSocketServer({ noServer: true });
const server = createServer((_, res) => res.writeHead(404).end());
server.on('upgrade', (request, socket, head) => {
	wss.handleUpgrade(request, socket, head, (ws) => {
		setupConnection(ws, decodeURIComponent((request.url ?? '/').slice(1).split('?')[0]));
	});
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveStats(() => ({ documents: docs.size, connections: wss.clients.size, extra: { messagesIn } }));
const hello: Hello = { type: 'hello', port: (server.address() as AddressInfo).port, setup: null };
process.send!(hello);
process.on('SIGTERM', () => process.exit(0));
