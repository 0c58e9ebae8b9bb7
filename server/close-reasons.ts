/** Why the server closes a collaboration connection. Codes follow Hocuspocus' 44xx convention. */
export const CloseReason = {
	InvalidUpdate: { code: 4400, reason: 'invalid-update' },
	Unauthorized: { code: 4401, reason: 'unauthorized' },
	Forbidden: { code: 4403, reason: 'forbidden' },
	NotFound: { code: 4404, reason: 'not-found' },
	SlowReader: { code: 4408, reason: 'slow-reader' },
	/** An update that does not fit the lane documents' schema (src/lib/domain/schema.ts). */
	SchemaViolation: { code: 4422, reason: 'schema-violation' },
	RateLimited: { code: 4429, reason: 'rate-limited' },
	// Quotas (server/extensions/quota.ts): the board shows each with its own message.
	NoteTooLarge: { code: 4413, reason: 'note-too-large' },
	DocumentFull: { code: 4413, reason: 'document-full' },
	WriteQuota: { code: 4429, reason: 'write-quota' },
	StorageFailed: { code: 4500, reason: 'storage-failed' }
} as const;

export type CloseReasonName = keyof typeof CloseReason;

/** Thrown from hooks; Hocuspocus closes the connection with its code and reason. */
export class CloseError extends Error {
	readonly code: number;
	readonly reason: string;
	constructor(name: CloseReasonName, detail?: string) {
		super(detail ? `${CloseReason[name].reason}: ${detail}` : CloseReason[name].reason);
		this.code = CloseReason[name].code;
		this.reason = CloseReason[name].reason;
	}
}
