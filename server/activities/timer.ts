/**
 * The timer every activity uses (a silent round, a vote): one per board and
 * kind, firing once at the activity's end — never before it, as timers may
 * fire a millisecond early — with that end as `now`. Everyone sees the end
 * itself in the practice document (`endsAt`) and counts down from it; this
 * is only the server's side of it. After a restart a handler schedules its
 * open activities again (`restore`), and an end already past fires at once.
 */
export class ActivityTimers {
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly onError: (error: unknown) => void;

	constructor(onError: (error: unknown) => void) {
		this.onError = onError;
	}

	/** Calls `fire` at `endsAt` (replacing the key's earlier timer). */
	at(key: string, endsAt: number, fire: (now: number) => Promise<void>): void {
		this.cancel(key);
		const timer = setTimeout(
			() => {
				this.timers.delete(key);
				fire(Math.max(Date.now(), endsAt)).catch(this.onError);
			},
			Math.max(0, endsAt - Date.now())
		);
		this.timers.set(key, timer);
	}

	has(key: string): boolean {
		return this.timers.has(key);
	}

	cancel(key: string): void {
		clearTimeout(this.timers.get(key));
		this.timers.delete(key);
	}

	stop(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}
}
