/**
 * The one error the server's services throw for a request they refuse. Its
 * code says what went wrong; the table below says which HTTP status answers
 * it, so an endpoint never maps errors by hand.
 */
export const SERVICE_STATUS = {
	'not-found': 404,
	'last-facilitator': 409,
	'name-taken': 409,
	'round-running': 409,
	'no-round': 409,
	'vote-running': 409,
	'no-vote': 409,
	'no-dots-left': 409,
	'note-full': 409,
	'not-placed': 409,
	'nothing-to-share': 409,
	'step-moved': 409,
	'not-your-turn': 403,
	'meeting-running': 409,
	'no-meeting': 409,
	'too-many-steps': 400,
	'invalid-framework': 400,
	busy: 429
} as const satisfies Record<string, number>;

export type ServiceErrorCode = keyof typeof SERVICE_STATUS;

export class ServiceError extends Error {
	override readonly name = 'ServiceError';
	readonly code: ServiceErrorCode;
	readonly status: number;
	/** For `busy`: seconds until a new try may succeed. */
	readonly retryAfter: number | undefined;

	constructor(code: ServiceErrorCode, message: string, options: { retryAfter?: number } = {}) {
		super(message);
		this.code = code;
		this.status = SERVICE_STATUS[code];
		this.retryAfter = options.retryAfter;
	}
}

/**
 * Whether `e` is a ServiceError. The app's endpoints and the server can load
 * this module as two copies (the app is bundled, the server is not), so this
 * checks the shape, not the class.
 */
export function isServiceError(e: unknown): e is ServiceError {
	const x = e as Partial<ServiceError> | null;
	return x instanceof Error && x.name === 'ServiceError' && typeof x.code === 'string' && x.code in SERVICE_STATUS;
}
