import type { BoardView, Comparison } from '#lib/domain/history.ts';
import { requestJson, type TimelineMark } from './api.ts';

/** A moment to compare: a mark, the beginning, now, or the timeline's position. */
export type MomentChoice = `mark:${string}` | 'start' | 'now' | 'here';

/** The default pair: the last two meeting ends, else the last meeting's start and end, else the beginning and now. */
export function defaultPair(marks: readonly TimelineMark[]): [MomentChoice, MomentChoice] {
	const ends = marks.filter((m) => m.kind === 'meeting-end');
	if (ends.length >= 2) return [`mark:${ends[ends.length - 2].id}`, `mark:${ends[ends.length - 1].id}`];
	const last = ends.at(-1);
	const start = last && marks.find((m) => m.kind === 'meeting-start' && m.meetingId === last.meetingId);
	if (last && start) return [`mark:${start.id}`, `mark:${last.id}`];
	return ['start', 'now'];
}

/** Two moments of one board compared: the server's comparison and both views, for side by side. */
export class Compare {
	comparison = $state.raw<Comparison | null>(null);
	before = $state.raw<BoardView | null>(null);
	after = $state.raw<BoardView | null>(null);
	loading = $state(false);
	error = $state<string | null>(null);

	private readonly base: string;
	private request = 0;

	constructor(base: string) {
		this.base = base;
	}

	async run(from: number, to: number): Promise<void> {
		const id = ++this.request;
		this.loading = true;
		this.error = null;
		try {
			const [comparison, before, after] = await Promise.all([
				requestJson<Comparison>(`${this.base}/history/compare?from=${from}&to=${to}`),
				requestJson<BoardView>(`${this.base}/history/view?seq=${from}`),
				requestJson<BoardView>(`${this.base}/history/view?seq=${to}`)
			]);
			if (id !== this.request) return;
			this.comparison = comparison;
			this.before = before;
			this.after = after;
		} catch (e) {
			if (id === this.request) this.error = e instanceof Error ? e.message : String(e);
		} finally {
			if (id === this.request) this.loading = false;
		}
	}
}
