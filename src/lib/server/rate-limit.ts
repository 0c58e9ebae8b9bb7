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
