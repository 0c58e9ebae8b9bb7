/** A failed request to the history API, with the server's code (`forbidden`, `not-found`, …). */
export class HistoryApiError extends Error {
	readonly code: string;
	readonly status: number;
	constructor(status: number, code: string, message: string) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

/** A busy server (429) is asked again this many times, after the wait it names (at most 5 s). */
const RETRIES = 3;

/** Same-origin JSON over the session cookie; a non-2xx answer throws a HistoryApiError. */
export async function requestJson<T>(url: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
	let res: Response;
	for (let attempt = 0; ; attempt++) {
		res = await fetch(url, {
			method: init.method ?? 'GET',
			headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
			signal: init.signal
		});
		if (res.status !== 429 || attempt >= RETRIES || (init.method ?? 'GET') !== 'GET') break;
		const wait = Math.min(5, Math.max(0.5, Number(res.headers.get('retry-after')) || 1));
		await new Promise((resolve) => setTimeout(resolve, wait * 1000));
		init.signal?.throwIfAborted();
	}
	if (!res.ok) {
		const body = (await res.json().catch(() => null)) as { message?: string; code?: string } | null;
		throw new HistoryApiError(res.status, body?.code ?? 'failed', body?.message ?? res.statusText);
	}
	return (await res.json()) as T;
}

export type MarkKind = 'meeting-start' | 'meeting-end' | 'snapshot' | 'restore' | 'vote' | 'framework';

/** A named moment, as GET …/history and …/snapshots answer it. */
export interface TimelineMark {
	readonly id: string;
	readonly kind: MarkKind;
	readonly name: string;
	readonly seq: number;
	readonly at: number;
	readonly meetingId: string | null;
	readonly boardId: string | null;
}

/** A meeting, as GET …/meetings answers it. */
export interface Meeting {
	readonly id: string;
	readonly title: string;
	readonly date: string;
	readonly agenda: readonly string[];
	readonly startedAt: number;
	readonly endedAt: number | null;
}
