import { ServiceError } from './errors.ts';

export interface WorkGateLimits {
	/** Running at once, per member and in all. */
	readonly perMember: number;
	readonly total: number;
	/** Waiting at most, per member and in all; beyond that a request is refused (ServiceError `busy`). */
	readonly queuePerMember: number;
	readonly queueTotal: number;
}

export const HISTORY_WORK: WorkGateLimits = { perMember: 2, total: 4, queuePerMember: 4, queueTotal: 32 };

interface Waiter {
	readonly member: string;
	readonly start: () => void;
}

/**
 * Rebuilding past boards is the heaviest thing the server does on request:
 * at most `perMember` at once for one member and `total` for everyone, the
 * rest waits in order (a bounded queue), so one member asking for many
 * replays at once cannot take the process from everyone else.
 */
export class WorkGate {
	private readonly limits: WorkGateLimits;
	private readonly running = new Map<string, number>();
	private runningTotal = 0;
	private readonly waiting: Waiter[] = [];

	constructor(limits: Partial<WorkGateLimits> = {}) {
		this.limits = { ...HISTORY_WORK, ...limits };
	}

	async run<T>(member: string, work: () => Promise<T>): Promise<T> {
		if (!this.mayStart(member)) {
			const mine = this.waiting.filter((w) => w.member === member).length;
			if (mine >= this.limits.queuePerMember) throw new ServiceError('busy', 'You have several history requests running already: try again in a moment.', { retryAfter: 2 });
			if (this.waiting.length >= this.limits.queueTotal) throw new ServiceError('busy', 'The server is busy rebuilding history: try again in a moment.', { retryAfter: 2 });
			await new Promise<void>((start) => this.waiting.push({ member, start }));
		} else {
			this.take(member);
		}
		try {
			return await work();
		} finally {
			this.release(member);
		}
	}

	/** What runs and waits now (for tests and /metrics). */
	get load(): { running: number; waiting: number } {
		return { running: this.runningTotal, waiting: this.waiting.length };
	}

	private mayStart(member: string): boolean {
		return this.runningTotal < this.limits.total && (this.running.get(member) ?? 0) < this.limits.perMember;
	}

	private take(member: string): void {
		this.running.set(member, (this.running.get(member) ?? 0) + 1);
		this.runningTotal++;
	}

	private release(member: string): void {
		const n = (this.running.get(member) ?? 1) - 1;
		if (n === 0) this.running.delete(member);
		else this.running.set(member, n);
		this.runningTotal--;
		// The first waiter that may start now goes (a member at their limit does not hold up others).
		for (let i = 0; i < this.waiting.length; i++) {
			const next = this.waiting[i];
			if (!this.mayStart(next.member)) continue;
			this.waiting.splice(i, 1);
			this.take(next.member);
			next.start();
			i--;
		}
	}
}
