import type { RequestEvent } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { addressOf } from '#server/limits.ts';

/**
 * Spends one of the client address's practice-creation tokens (see
 * server/limits.ts). Null when the creation may go ahead; otherwise the
 * seconds until the address may create one again.
 */
export function practiceCreationRefused(event: Pick<RequestEvent, 'request' | 'getClientAddress'>): number | null {
	const zwerm = getZwerm();
	const { strangers, stats, trustProxy } = zwerm.limits;
	const address = addressOf(event.request.headers.get('x-forwarded-for'), event.getClientAddress(), trustProxy);
	if (strangers.practices.take(address)) return null;
	stats.refused.practiceRate++;
	zwerm.digest.warn('practice-creation-refused', { address, reason: 'too many practices created' });
	return strangers.practices.retryAfter(address);
}

/**
 * Failed sign-ins by hand (a screen's code, a short link): the same
 * per-address budget as refused websocket sign-ins (server/limits.ts). `spend`
 * counts one failure, logged as `what`. `refused` is null while the address
 * may try; else the seconds to wait.
 */
export function signInBudget(
	event: Pick<RequestEvent, 'request' | 'getClientAddress'>,
	what: 'screen-code-refused' | 'short-code-refused' = 'screen-code-refused'
): { refused: number | null; spend(): void } {
	const zwerm = getZwerm();
	const { strangers, stats, trustProxy } = zwerm.limits;
	const address = addressOf(event.request.headers.get('x-forwarded-for'), event.getClientAddress(), trustProxy);
	const refused = strangers.authFailures.ready(address) ? null : Math.max(1, Math.ceil(strangers.authFailures.retryAfter(address)));
	if (refused !== null) {
		stats.refused.authFailures++;
		zwerm.digest.warn('sign-ins-refused', { address, reason: 'too many failed sign-ins' });
	}
	return {
		refused,
		spend: () => {
			strangers.authFailures.take(address);
			zwerm.digest.warn(what, { address });
		}
	};
}
