import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

/**
 * The Hocuspocus wire format, written out by hand so tests can speak it
 * without a provider (see @hocuspocus/server src/OutgoingMessage.ts and
 * IncomingMessage.ts): every frame is varString(documentName) +
 * varUint(messageType) + payload.
 */
export const MessageType = {
	Sync: 0,
	Awareness: 1,
	Auth: 2,
	QueryAwareness: 3,
	SyncReply: 4,
	Stateless: 5,
	BroadcastStateless: 6,
	Close: 7,
	SyncStatus: 8
} as const;

/** y-protocols/sync sub-messages. */
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const;

const AuthType = { Token: 0, PermissionDenied: 1, Authenticated: 2 } as const;

function frame(documentName: string, type: number, write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, documentName);
	encoding.writeVarUint(e, type);
	write(e);
	return encoding.toUint8Array(e);
}

export const authFrame = (documentName: string, token: string): Uint8Array =>
	frame(documentName, MessageType.Auth, (e) => {
		encoding.writeVarUint(e, AuthType.Token);
		encoding.writeVarString(e, token);
	});

export const syncStep1Frame = (documentName: string, stateVector: Uint8Array): Uint8Array =>
	frame(documentName, MessageType.Sync, (e) => {
		encoding.writeVarUint(e, SyncStep.Step1);
		encoding.writeVarUint8Array(e, stateVector);
	});

export const syncStep2Frame = (documentName: string, update: Uint8Array): Uint8Array =>
	frame(documentName, MessageType.Sync, (e) => {
		encoding.writeVarUint(e, SyncStep.Step2);
		encoding.writeVarUint8Array(e, update);
	});

export const updateFrame = (documentName: string, update: Uint8Array): Uint8Array =>
	frame(documentName, MessageType.Sync, (e) => {
		encoding.writeVarUint(e, SyncStep.Update);
		encoding.writeVarUint8Array(e, update);
	});

export type ServerMessage =
	| { readonly documentName: string; readonly type: 'authenticated'; readonly scope: string }
	| { readonly documentName: string; readonly type: 'permission-denied'; readonly reason: string }
	| { readonly documentName: string; readonly type: 'token-request' }
	| { readonly documentName: string; readonly type: 'sync'; readonly step: number; readonly payload: Uint8Array }
	| { readonly documentName: string; readonly type: 'sync-status'; readonly applied: boolean }
	| { readonly documentName: string; readonly type: 'close'; readonly reason: string }
	| { readonly documentName: string; readonly type: 'awareness'; readonly payload: Uint8Array }
	| { readonly documentName: string; readonly type: 'other'; readonly messageType: number };

/** Decodes one frame the server sent. */
export function decodeServerMessage(data: ArrayBuffer | Uint8Array): ServerMessage {
	const d = decoding.createDecoder(data instanceof Uint8Array ? data : new Uint8Array(data));
	const rawKey = decoding.readVarString(d);
	const documentName = rawKey.split('\0')[0];
	const type = decoding.readVarUint(d);
	switch (type) {
		case MessageType.Auth: {
			const sub = decoding.readVarUint(d);
			if (sub === AuthType.Authenticated) return { documentName, type: 'authenticated', scope: decoding.readVarString(d) };
			if (sub === AuthType.PermissionDenied) return { documentName, type: 'permission-denied', reason: decoding.readVarString(d) };
			return { documentName, type: 'token-request' };
		}
		case MessageType.Sync:
		case MessageType.SyncReply: {
			const step = decoding.readVarUint(d);
			return { documentName, type: 'sync', step, payload: decoding.readVarUint8Array(d) };
		}
		case MessageType.SyncStatus:
			return { documentName, type: 'sync-status', applied: decoding.readVarUint(d) === 1 };
		case MessageType.Close:
			return { documentName, type: 'close', reason: decoding.readVarString(d) };
		case MessageType.Awareness:
			return { documentName, type: 'awareness', payload: decoding.readVarUint8Array(d) };
		default:
			return { documentName, type: 'other', messageType: type };
	}
}
