import { OutgoingMessage } from '@hocuspocus/server';
import type { Extension, beforeSyncPayload } from '@hocuspocus/server';
import { parseDocName } from '#lib/domain/docnames.ts';
import { CloseError } from '../close-reasons.ts';
import { GatedSocket } from '../gated-socket.ts';
import { checkUpdate } from '../schema-check.ts';
import type { ConnectionContext } from './access.ts';

export interface SchemaGuardOptions {
	readonly log: (event: string, fields: Record<string, unknown>) => void;
}

/**
 * Refuses any update to a lane document that does not fit its schema
 * (src/lib/domain/schema.ts): unknown top-level types or note fields, wrong
 * types or sizes, a `createdBy` that is not the writer, identity fields
 * changed later. Runs before DurableLog, so nothing of a refused update is
 * applied, stored or broadcast; the connection closes with `4422 schema-violation`.
 */
export class SchemaGuard implements Extension {
	readonly extensionName = 'zwerm-schema';
	// Before DurableLog (1000), which holds the client's acknowledgement for updates it lets through.
	readonly priority = 1010;
	private readonly options: SchemaGuardOptions;

	constructor(options: Partial<SchemaGuardOptions> = {}) {
		this.options = { log: () => {}, ...options };
	}

	async beforeSync({ type, payload, document, documentName, connection, context }: beforeSyncPayload): Promise<void> {
		// Sync step 2 and updates carry changes; read-only connections' changes are dropped anyway.
		if ((type !== 1 && type !== 2) || connection.readOnly) return;
		const name = parseDocName(documentName);
		if (!name || (name.kind !== 'collective' && name.kind !== 'lane' && name.kind !== 'private')) return;
		const memberId = (context as Partial<ConnectionContext> | undefined)?.memberId;
		const problem = memberId ? checkUpdate(document, payload, { kind: name.kind, memberId }) : 'no member';
		if (!problem) return;
		this.options.log('schema-violation', { doc: documentName, memberId, problem });
		const error = new CloseError('SchemaViolation', problem);
		// The Hocuspocus close message tells the client why; the websocket closes with 4422.
		const farewell = new OutgoingMessage(connection.messageAddress).writeCloseMessage(error.message.slice(0, 120)).toUint8Array();
		if (connection.webSocket instanceof GatedSocket) connection.webSocket.fail(error.code, error.reason, farewell);
		throw error;
	}
}
