import { applySteps, type BoardView, type NoteView, type ReplayPage, type ReplayStep, type TimelineEntry } from '#lib/domain/history.ts';
import type { Edit } from '#lib/domain/edits.ts';
import { requestJson, type TimelineMark } from './api.ts';

/** Playback speeds: real time times 1, 10 or 60 (long pauses shortened), or one edit per second. */
export const SPEEDS = [1, 10, 60, 'edit'] as const;
export type Speed = (typeof SPEEDS)[number];

/** Playback waits at most this long between two edits, whatever the speed (a week between meetings is not waited out). */
export const LONGEST_PAUSE = 3000;
/** Playback waits at least this long between two edits, so each one can be seen. */
const SHORTEST_PAUSE = 60;
/** Marks playback stops at. */
const STOPS = new Set(['meeting-start', 'meeting-end']);

interface HistoryAnswer {
	entries: TimelineEntry[];
	edits: Edit[];
	marks: TimelineMark[];
	head: number;
}
/** Scrubbing asks for the board once the hand rests this long, and during a long drag at most this often. */
const SETTLE = 100;
const DRAG_REFRESH = 400;
/** Replay steps asked for per request (a page holds at most 2,000, or fewer when they are large); the next is fetched halfway through. */
const CHUNK = 1000;

const noteKey = (n: { lane: string; id: string }) => `${n.lane}:${n.id}`;
const sameNote = (a: NoteView, b: NoteView) =>
	a.text === b.text && a.x === b.x && a.y === b.y && a.px === b.px && a.py === b.py && a.color === b.color && a.cites.join() === b.cites.join() && JSON.stringify(a.content) === JSON.stringify(b.content);

/**
 * One board's timeline in the browser: its edits and marks, the position
 * shown, the board at that position, and playback. The position counts edits
 * (`groupEdits`: one person, one note, until a pause), not log entries.
 * Scrubbing is debounced and a late answer for a position already left is
 * dropped; playback applies replay steps locally, one edit at a time, fetches
 * the next chunk while it plays, and stops at every meeting mark.
 */
export class Timeline {
	entries = $state.raw<TimelineEntry[]>([]);
	edits = $state.raw<Edit[]>([]);
	marks = $state.raw<TimelineMark[]>([]);
	/** 0 is the empty board before the first edit; n is right after edits[n - 1]. */
	position = $state(0);
	/** The meeting mark playback last stopped at (cleared when the position moves otherwise). */
	stoppedAt = $state.raw<TimelineMark | null>(null);
	view = $state.raw<BoardView | null>(null);
	/** Notes the last step changed (lane:id), to highlight them. */
	touched = $state.raw<ReadonlySet<string>>(new Set());
	/** The board shown does not match the position yet. */
	loading = $state(true);
	playing = $state(false);
	speed = $state<Speed>(10);
	error = $state<string | null>(null);

	readonly count = $derived(this.edits.length);
	readonly current = $derived(this.position > 0 ? (this.edits[this.position - 1] ?? null) : null);
	readonly seq = $derived(this.seqAt(this.position));

	private readonly base: string;
	private readonly settled: (seq: number) => void;
	private request = 0;
	private abort: AbortController | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private lastAsked = 0;
	private playback = 0;
	private buffer: ReplayStep[] = [];
	private bufferedTo = 0;
	private fetching: Promise<void> | null = null;

	/** `base`: the board's API path; `settled` is told each position the board came to rest at (for the URL). */
	constructor(base: string, settled: (seq: number) => void = () => {}) {
		this.base = base;
		this.settled = settled;
	}

	seqAt(position: number): number {
		return position <= 0 ? 0 : (this.edits[Math.min(position, this.edits.length) - 1]?.seq ?? 0);
	}

	/** The position showing the board as it was at log position `seq`: the number of edits ended by it. */
	positionOf(seq: number): number {
		let lo = 0;
		let hi = this.edits.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.edits[mid].seq <= seq) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** Loads the changes and marks, then shows `at` (a log position) or, without it, now. */
	async load(at: number | null = null): Promise<void> {
		try {
			const data = await requestJson<HistoryAnswer>(`${this.base}/history`);
			this.entries = data.entries;
			this.edits = data.edits;
			this.marks = data.marks;
			this.error = null;
			const seq = at === null ? data.head : Math.min(at, data.head);
			this.halt();
			this.position = this.positionOf(seq);
			// Opened without a moment, the page follows "now": nothing to put in the address yet.
			await this.show(seq, false, at !== null);
		} catch (e) {
			this.error = e instanceof Error ? e.message : String(e);
			this.loading = false;
		}
	}

	/**
	 * Picks up what happened on the live board since the timeline was loaded.
	 * A timeline at its end follows along; anywhere else it stays where it is.
	 */
	async refresh(): Promise<void> {
		if (this.playing || this.timer || this.loading) return;
		try {
			const data = await requestJson<HistoryAnswer>(`${this.base}/history`);
			if (this.playing || this.timer || this.loading || data.entries.length === this.entries.length) return;
			const following = this.position >= this.count;
			this.entries = data.entries;
			this.edits = data.edits;
			this.marks = data.marks;
			if (following) {
				this.position = this.count;
				await this.show(this.seqAt(this.position), true, false);
			}
		} catch {
			// Offline for a moment: the next refresh tries again.
		}
	}

	/** Scrubbing: the position follows at once, the board once the hand rests. */
	seek(position: number): void {
		this.halt();
		this.stoppedAt = null;
		this.position = this.clamp(position);
		this.loading = true;
		const wait = Date.now() - this.lastAsked >= DRAG_REFRESH ? 0 : SETTLE;
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.show(this.seqAt(this.position), false);
		}, wait);
	}

	/** Marks, steps and links: go there now. `seq` may lie between two changes of this board. */
	goTo(position: number, seq?: number): Promise<void> {
		this.halt();
		this.stoppedAt = null;
		const step = Math.abs(this.clamp(position) - this.position) === 1;
		this.position = this.clamp(position);
		return this.show(seq ?? this.seqAt(this.position), step);
	}

	stepBack(): Promise<void> {
		return this.goTo(this.position - 1);
	}

	stepForward(): Promise<void> {
		return this.goTo(this.position + 1);
	}

	markPosition(mark: TimelineMark): number {
		return this.positionOf(mark.seq);
	}

	async play(): Promise<void> {
		if (this.playing) return;
		if (this.count === 0) return;
		this.halt();
		this.abort?.abort();
		this.request++;
		if (this.position >= this.count) this.position = 0;
		const run = ++this.playback;
		this.stoppedAt = null;
		this.playing = true;
		this.buffer = [];
		this.bufferedTo = this.seqAt(this.position);
		this.loading = true;
		try {
			await this.fetchChunk(run, true);
		} catch (e) {
			if (run === this.playback) this.fail(e);
			return;
		}
		if (run !== this.playback) return;
		this.loading = false;
		this.tick(run);
	}

	/** Stops playback where it is. */
	pause(settle = true): void {
		if (!this.playing) return;
		this.playing = false;
		this.playback++;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.buffer = [];
		this.fetching = null;
		if (settle) this.settled(this.seq);
	}

	destroy(): void {
		this.halt();
		this.abort?.abort();
		this.request++;
	}

	/** Stops whatever moves the position: playback, or a scrub waiting to settle. */
	private halt(): void {
		this.pause(false);
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	private clamp(position: number): number {
		return Math.max(0, Math.min(this.count, Math.round(position)));
	}

	private async show(seq: number, highlight: boolean, settle = true): Promise<void> {
		const id = ++this.request;
		this.abort?.abort();
		const abort = (this.abort = new AbortController());
		this.lastAsked = Date.now();
		this.loading = true;
		try {
			const view = await requestJson<BoardView>(`${this.base}/history/view?seq=${seq}`, { signal: abort.signal });
			if (id !== this.request) return;
			this.touched = highlight && this.view ? changedNotes(this.view, view) : new Set();
			this.view = view;
			this.error = null;
			this.loading = false;
			if (settle) this.settled(seq);
		} catch (e) {
			if (id !== this.request || abort.signal.aborted) return;
			this.fail(e);
		}
	}

	private fail(e: unknown): void {
		this.error = e instanceof Error ? e.message : String(e);
		this.loading = false;
		this.pause(false);
	}

	private async fetchChunk(run: number, withView: boolean): Promise<void> {
		const from = this.bufferedTo;
		const last = Math.min(this.count, this.positionOf(from) + CHUNK);
		const to = this.seqAt(last);
		if (to <= from && !withView) return;
		const data = await requestJson<ReplayPage>(`${this.base}/history/replay?from=${from}&to=${to}${withView ? '' : '&view=0'}`);
		if (run !== this.playback) return;
		if (withView && data.view) {
			this.view = data.view;
			this.touched = new Set();
		}
		this.buffer.push(...data.steps);
		// A page may end early (it is bounded by bytes too): the next one starts where it did.
		this.bufferedTo = Math.max(from, data.to);
	}

	/** Plays the next edit: every buffered step up to where it ends, then waits as the speed says, or stops at a meeting mark. */
	private tick(run: number): void {
		if (run !== this.playback) return;
		if (this.position >= this.count) {
			this.pause();
			return;
		}
		const target = this.seqAt(this.position + 1);
		if (this.bufferedTo < target) {
			this.fetchMore(run)?.then(() => this.tick(run));
			return;
		}
		let n = 0;
		while (n < this.buffer.length && this.buffer[n].seq <= target) n++;
		const steps = this.buffer.splice(0, n);
		this.view = applySteps(this.view ?? { seq: 0, notes: [] }, steps);
		if (this.view.seq < target) this.view = { ...this.view, seq: target };
		this.touched = new Set(steps.flatMap((s) => s.changed.map(noteKey)));
		this.position++;
		if (this.buffer.length < CHUNK / 2) void this.fetchMore(run);
		const stop = this.marks.find((m) => STOPS.has(m.kind) && this.markPosition(m) === this.position);
		if (stop || this.position >= this.count) {
			this.stoppedAt = stop ?? null;
			this.pause();
			return;
		}
		this.timer = setTimeout(() => this.tick(run), this.pauseAfter(this.position));
	}

	/** How long to wait after edit `position` before the next: real time divided by the speed, shortened, or a second an edit. */
	pauseAfter(position: number): number {
		if (this.speed === 'edit') return 1000;
		const a = this.edits[position - 1]?.at;
		const b = this.edits[position]?.at;
		const gap = a == null || b == null ? 1000 : b - a;
		return Math.max(SHORTEST_PAUSE, Math.min(LONGEST_PAUSE, gap / this.speed));
	}

	private fetchMore(run: number): Promise<void> | null {
		if (this.fetching || this.bufferedTo >= this.seqAt(this.count)) return this.fetching;
		this.fetching = this.fetchChunk(run, false)
			.catch((e) => {
				if (run === this.playback) this.fail(e);
			})
			.finally(() => {
				if (run === this.playback) this.fetching = null;
			});
		return this.fetching;
	}
}

/** Notes that differ between two views of neighbouring positions (lane:id). */
function changedNotes(before: BoardView, after: BoardView): Set<string> {
	const old = new Map(before.notes.map((n) => [noteKey(n), n]));
	return new Set(after.notes.filter((n) => !old.has(noteKey(n)) || !sameNote(old.get(noteKey(n))!, n)).map(noteKey));
}
