import * as Y from 'yjs';
import { NOTES_KEY, notesMap } from '#lib/domain/notes.ts';
import type { GroupBoard } from './board-reader.ts';
import { applyAndCollectTouches, breather, docAt, factsOf, noteState, type LaneFact, type NoteState } from './past.ts';
import type { DocumentLog, DocumentVersion } from './storage/types.ts';

/**
 * What each log entry of a lane did to its notes, read once per lane and then
 * only for entries logged since (an erasure starts the lane again), and which
 * entries touched only notes hidden now. The timeline groups edits from it.
 */
export class LaneFacts {
	private readonly log: DocumentLog;

	constructor(log: DocumentLog) {
		this.log = log;
	}

	/** Per lane document: every note id ever created in it, up to which log position (found by decoding, not replaying). */
	private readonly createdIds = new Map<string, { seq: number; ids: Set<string> }>();
	/** Per lane document: what each log entry did to notes, up to which position, and each note as the last entry left it. Log entries never change; an erasure drops the lane's record. */
	private readonly touched = new Map<string, { seq: number; version: DocumentVersion; facts: Map<number, readonly LaneFact[]>; notes: Map<string, NoteState> }>();

	/**
	 * The log entries of member lanes that touched only notes hidden now. A
	 * note that was shared, then made private (or, before Zwerm refused it,
	 * anonymous) keeps its id: its entries in the named lane, with their time
	 * and author, would sit in the timeline right before the note's next life.
	 * Only lanes that ever held a note hidden now are replayed to find them.
	 */
	async entriesOfHiddenNotes(board: GroupBoard): Promise<Set<number>> {
		const out = new Set<number>();
		for (const [name, lane] of board.lanes) {
			const hidden = board.hidden.ofLane(lane);
			if (!hidden.size) continue;
			const ever = await this.idsEverCreated(name);
			if (![...hidden].some((id) => ever.has(id))) continue;
			for (const [seq, ids] of await this.notesTouched(name)) if (ids.length > 0 && ids.every((id) => hidden.has(id))) out.add(seq);
		}
		return out;
	}

	private async idsEverCreated(name: string): Promise<ReadonlySet<string>> {
		const known = this.createdIds.get(name) ?? { seq: 0, ids: new Set<string>() };
		const head = await this.log.headSeq();
		if (known.seq >= head) return known.ids;
		for (const entry of await this.log.updatesBetween([name], known.seq, head)) {
			for (const struct of Y.decodeUpdate(entry.data).structs) {
				// A note's first write names the root map (decoded updates carry its name, not the type) and its key; later ones point at earlier items.
				if (struct instanceof Y.Item && (struct.parent as unknown) === NOTES_KEY && typeof struct.parentSub === 'string') known.ids.add(struct.parentSub);
			}
		}
		known.seq = head;
		this.createdIds.set(name, known);
		return known.ids;
	}

	private async notesTouched(name: string): Promise<Map<number, readonly string[]>> {
		const facts = await this.of(name);
		return new Map([...facts].map(([seq, f]) => [seq, f.map((x) => x.id)]));
	}

	/**
	 * What each log entry of a lane did to each note (created, removed, text,
	 * place, citations gained, the text's beginning), found by replaying the
	 * lane once; later calls replay only the entries logged since. Citations
	 * are kept as refs so that those of notes hidden now can be left out when answering.
	 */
	async of(name: string): Promise<Map<number, readonly LaneFact[]>> {
		let known = this.touched.get(name);
		// An erasure replaces the lane's log: its version up to what was read then no longer matches.
		if (known) {
			const version = await this.log.versionAt(name, known.seq);
			if (version.seq !== known.version.seq || version.count !== known.version.count) known = undefined;
		}
		const entries = await this.log.history([name], known ? { after: known.seq } : undefined);
		if (!known || entries.length > 0) {
			const state = known ?? { seq: 0, version: { seq: 0, count: 0 }, facts: new Map<number, readonly LaneFact[]>(), notes: new Map<string, NoteState>() };
			if (entries.length > 0) {
				const doc = await docAt(this.log, name, entries[0].seq - 1);
				// Define the root map before the first update does: else Yjs makes a plain type that notesMap replaces later.
				notesMap(doc);
				// A lane seen for the first time: what it held before the first entry (a checkpoint start) counts as known.
				if (!known) for (const [id, note] of notesMap(doc)) if (note instanceof Y.Map) state.notes.set(id, noteState(doc, id, note));
				const breathe = breather();
				for (const entry of await this.log.updatesBetween([name], entries[0].seq - 1, entries.at(-1)!.seq)) {
					state.facts.set(entry.seq, factsOf(doc, applyAndCollectTouches(doc, entry.data), state.notes));
					// Yield now and then: a long lane must not hold up every other request.
					await breathe();
				}
				doc.destroy();
				state.seq = entries.at(-1)!.seq;
				state.version = await this.log.versionAt(name, state.seq);
			}
			known = state;
			this.touched.set(name, known);
		}
		return known.facts;
	}
}
