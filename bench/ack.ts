import type { HocuspocusProvider } from '@hocuspocus/provider';
import * as Y from 'yjs';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, moveNote, noteContent } from '#lib/domain/notes.ts';
import type { TestServer } from '../tests/helpers/server.ts';
import { connect, synced, waitFor, type TestClient } from '../tests/helpers/clients.ts';
import { BOARD, prng, savedWithin, writeNotes } from './seed.ts';
import { instrument, type ServerConfig, type StorageActivity } from './servers.ts';
import { summarize, type Summary } from './stats.ts';

/**
 * Measures, for every local change, the time until the server acknowledged it.
 * The provider counts unacknowledged updates (`unsyncedChanges`): +1 when a
 * change is sent, −1 for each SyncStatus reply, in order. Each decrease
 * therefore settles the oldest outstanding change; the tracker keeps their
 * start times in a FIFO, so overlapping changes (the concurrent run) are
 * timed individually, not only "until the count is back to 0".
 */
export class AckTracker {
	readonly latencies: number[] = [];
	recording = false;
	private readonly pending: number[] = [];
	private count: number;
	private waiters: (() => void)[] = [];

	constructor(provider: HocuspocusProvider) {
		this.count = provider.unsyncedChanges;
		provider.on('unsyncedChanges', ({ number }: { number: number }) => this.changed(number));
	}

	/** Call immediately before a local change that produces exactly one update. */
	mark(): void {
		this.pending.push(performance.now());
	}

	private changed(n: number): void {
		const now = performance.now();
		for (let k = this.count - n; k > 0 && this.pending.length > 0; k--) {
			const start = this.pending.shift()!;
			if (this.recording) this.latencies.push(now - start);
		}
		this.count = n;
		if (n === 0 && this.pending.length === 0) {
			const waiters = this.waiters;
			this.waiters = [];
			for (const w of waiters) w();
		}
	}

	/** Resolves when every marked change has been acknowledged. */
	drained(): Promise<void> {
		if (this.pending.length === 0 && this.count === 0) return Promise.resolve();
		return new Promise((resolve) => this.waiters.push(resolve));
	}
}

/**
 * One small edit a turn, alternating a note move (two map keys) and typing one
 * character at the end of the note's text: the two things people do most.
 */
function editor(doc: Y.Doc, id: NoteId): () => void {
	const paragraph = noteContent(doc, id).get(0) as Y.XmlElement;
	const text = paragraph.get(0) as Y.XmlText;
	let i = 0;
	return () => {
		i++;
		if (i % 2) moveNote(doc, id, (i % 97) / 97, (i % 89) / 89);
		else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
	};
}

interface EditingClient {
	readonly client: TestClient;
	readonly tracker: AckTracker;
	readonly edit: () => void;
}

async function editingClient(server: TestServer, docName: string, token: string, by: string, memberId: string): Promise<EditingClient> {
	const client = connect(server.wsUrl, docName, token);
	await synced(client);
	// In the writer's own name: the server refuses notes in anyone else's (server/schema-check.ts).
	const id = createNote(client.doc, { createdBy: memberId as MemberId, at: Date.now(), text: `Notitie van ${by}: `, x: 0.5, y: 0.5 });
	await waitFor(() => client.provider.unsyncedChanges === 0, 'note saved');
	return { client, tracker: new AckTracker(client.provider), edit: editor(client.doc, id) };
}

export interface AckSetup {
	readonly config: ServerConfig;
	readonly server: TestServer;
	readonly activity: StorageActivity;
	/** The facilitator's client: the sequential run. */
	readonly solo: EditingClient;
	/** Participants' sessions for the concurrent run. */
	readonly tokens: readonly string[];
	readonly memberIds: readonly string[];
	readonly docName: string;
}

/**
 * A practice with `members` participants; its collective document gets
 * `notes` notes first (written by a client, as a board fills up in use).
 */
export async function setupAck(config: ServerConfig, server: TestServer, members: number, notes = 0): Promise<AckSetup> {
	const { practices } = server.zwerm;
	const { practice, facilitator } = await practices.create({ name: `Ack ${config}`, facilitatorName: 'Fem' });
	const tokens: string[] = [];
	const memberIds: string[] = [];
	for (let i = 0; i < members; i++) {
		const session = await practices.join(practice.participantInvite, { name: `Deelnemer ${i + 1}` });
		tokens.push(session!.token);
		memberIds.push(session!.member.id);
	}
	const docName = collectiveDoc(practice.id, BOARD);
	if (notes > 0) {
		const filler = connect(server.wsUrl, docName, facilitator.token);
		try {
			await synced(filler);
			writeNotes(filler.doc, notes, facilitator.member.id, prng(7));
			await savedWithin(filler, 120000);
		} finally {
			filler.destroy();
		}
	}
	const solo = await editingClient(server, docName, facilitator.token, 'Fem', facilitator.member.id);
	return { config, server, activity: instrument(server), solo, tokens, memberIds, docName };
}

/** Edits one at a time: change, wait for the acknowledgement, next change. */
export async function sequentialEdits(setup: AckSetup, count: number, record: boolean): Promise<void> {
	const { tracker, edit } = setup.solo;
	tracker.recording = record;
	setup.activity.recording = record;
	try {
		for (let i = 0; i < count; i++) {
			tracker.mark();
			edit();
			await tracker.drained();
		}
	} finally {
		tracker.recording = false;
		setup.activity.recording = false;
	}
}

/** Participants on the same collective document, each with a note of its own to edit. */
export class EditingCrowd {
	readonly editors: EditingClient[] = [];
	/** Seconds spent editing, over all segments. */
	seconds = 0;

	readonly setup: AckSetup;

	constructor(setup: AckSetup) {
		this.setup = setup;
	}

	async join(clients: number): Promise<void> {
		for (let i = 0; i < clients; i++) {
			this.editors.push(await editingClient(this.setup.server, this.setup.docName, this.setup.tokens[i], `deelnemer ${i + 1}`, this.setup.memberIds[i]));
		}
		// Everyone has everyone's notes before the first segment, so it starts quiet.
		await waitFor(() => this.editors.every((e) => e.client.provider.unsyncedChanges === 0), 'crowd quiet', 30000);
	}

	/**
	 * One segment: every participant edits every 1000/hz ms (timers at random
	 * phases) for `seconds`; resolves once every edit is acknowledged.
	 */
	async segment(hz: number, seconds: number): Promise<void> {
		const timers: ReturnType<typeof setTimeout>[] = [];
		const period = 1000 / hz;
		const t0 = performance.now();
		this.setup.activity.recording = true;
		for (const e of this.editors) {
			e.tracker.recording = true;
			const tick = () => {
				e.tracker.mark();
				e.edit();
			};
			timers.push(
				setTimeout(() => {
					tick();
					timers.push(setInterval(tick, period));
				}, Math.random() * period)
			);
		}
		try {
			await new Promise((r) => setTimeout(r, seconds * 1000));
			for (const t of timers) clearTimeout(t);
			let timer: ReturnType<typeof setTimeout> | undefined;
			await Promise.race([
				Promise.all(this.editors.map((e) => e.tracker.drained())),
				new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('concurrent edits not acknowledged')), 30000)))
			]).finally(() => clearTimeout(timer));
		} finally {
			for (const t of timers) clearTimeout(t);
			for (const e of this.editors) e.tracker.recording = false;
			this.setup.activity.recording = false;
			this.seconds += (performance.now() - t0) / 1000;
		}
	}

	result(): ConcurrentResult {
		const all = this.editors.flatMap((e) => e.tracker.latencies);
		return { ...summarize(all), clients: this.editors.length, seconds: this.seconds, editsPerSecond: all.length / this.seconds };
	}

	leave(): void {
		for (const e of this.editors.splice(0)) e.client.destroy();
	}
}

export interface ConcurrentResult extends Summary {
	readonly clients: number;
	readonly seconds: number;
	/** Edits acknowledged per second, all clients together. */
	readonly editsPerSecond: number;
}
