import { describe, expect, it } from 'vitest';
import { isServiceError, SERVICE_STATUS } from '#server/errors.ts';
import { WorkGate } from '#server/work-gate.ts';

/** Work that runs until `finish()` is called. */
function held() {
	let finish!: () => void;
	const done = new Promise<void>((resolve) => (finish = resolve));
	return { work: () => done, finish };
}

describe('the gate for history work', () => {
	it('runs a member\'s work up to the limit, queues the next, and refuses beyond the queue as busy (429)', async () => {
		const gate = new WorkGate({ perMember: 1, total: 2, queuePerMember: 1, queueTotal: 8 });
		const first = held();
		const running = gate.run('anna', first.work);
		const queued = gate.run('anna', async () => 'second');
		expect(gate.load).toEqual({ running: 1, waiting: 1 });
		const refused = await gate.run('anna', async () => 'third').catch((e: unknown) => e);
		expect(isServiceError(refused)).toBe(true);
		expect(refused).toMatchObject({ code: 'busy', status: 429, retryAfter: 2 });
		expect(SERVICE_STATUS.busy).toBe(429);
		// Someone else is not held up by Anna's queue.
		await expect(gate.run('bram', async () => 'bram')).resolves.toBe('bram');
		first.finish();
		await running;
		await expect(queued).resolves.toBe('second');
		expect(gate.load).toEqual({ running: 0, waiting: 0 });
	});

	it('tells a ServiceError from any other error by its shape', () => {
		expect(isServiceError(new Error('no'))).toBe(false);
		expect(isServiceError(Object.assign(new Error('x'), { name: 'ServiceError', code: 'made-up' }))).toBe(false);
		expect(isServiceError(null)).toBe(false);
	});
});
