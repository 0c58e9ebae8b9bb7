import { describe, expect, it, type ServerOptions } from '../helpers/fixture.ts';
import type { Scope } from '../helpers/scope.ts';
import { setUpPractice } from '../helpers/practice.ts';
import { laneView } from '../helpers/lane.ts';
import { countRows, readStored } from '../helpers/db.ts';
import { collectiveDoc, laneDoc, practiceDoc } from '#lib/domain/docnames.ts';
import { createNote, moveNote, noteContent, setNoteColor, setPlainText } from '#lib/domain/notes.ts';
import { readPractice } from '#lib/domain/practice.ts';
import type { BoardId } from '#lib/domain/ids.ts';
import { PostgresStorage } from '#server/storage/postgres.ts';
import { postgresAvailable } from '../helpers/postgres.ts';

const board = 'normativiteit' as BoardId;
/** Where a test's servers keep their data: SQLite in their data directory, or one fresh PostgreSQL database. */
async function storeOptions(scope: Scope, kind: 'SQLite' | 'PostgreSQL'): Promise<ServerOptions> {
	if (kind === 'SQLite') return {};
	const db = await scope.database();
	return { storage: () => PostgresStorage.open(db.url) };
}

const STORES = postgresAvailable ? (['SQLite', 'PostgreSQL'] as const) : (['SQLite'] as const);

describe.each(STORES)('notes survive a server restart (%s)', (kind) => {
	it('keeps collective and lane notes, their text, place and colour', async ({ scope, startServer: start, connect }) => {
		const store = await storeOptions(scope, kind);
		const first = await start(store);
		const { practice, facilitator, participants } = await setUpPractice(first.zwerm.practices, { participants: 1 });
		const piet = participants[0];
		const collective = collectiveDoc(practice.id, board);
		const pietLane = laneDoc(practice.id, board, piet.member.id);

		const fenna = connect(first.wsUrl, collective, facilitator.token);
		const pietOnCollective = connect(first.wsUrl, collective, piet.token);
		const pietOwn = connect(first.wsUrl, pietLane, piet.token);
		await Promise.all([fenna.saved(), pietOnCollective.saved(), pietOwn.saved()]);

		const a = createNote(fenna.doc, { createdBy: facilitator.member.id, at: 1, text: 'Wat vinden wij normaal?', x: 0.1, y: 0.2 });
		createNote(pietOnCollective.doc, { createdBy: piet.member.id, at: 2, text: 'Regels\nen gewoontes', x: 0.6, y: 0.2, color: 'purple' });
		const own = createNote(pietOwn.doc, { createdBy: piet.member.id, at: 3, text: 'Alleen van mij', loop: 'waarom' });
		moveNote(fenna.doc, a, 0.3, 0.9);
		setNoteColor(pietOwn.doc, own, 'green');
		setPlainText(noteContent(pietOwn.doc, own), 'Alleen van mij,\nmaar iedereen mag lezen');
		await Promise.all([fenna.saved(), pietOnCollective.saved(), pietOwn.saved()]);
		await expect.poll(() => laneView(pietOnCollective.doc).length === 2 && laneView(fenna.doc).length === 2, { message: 'both collective notes on both clients' }).toBe(true);

		const expectedCollective = laneView(fenna.doc);
		const expectedLane = laneView(pietOwn.doc);
		expect(expectedCollective.map((n) => n.text)).toEqual(['Regels\nen gewoontes', 'Wat vinden wij normaal?']);

		for (const c of [fenna, pietOnCollective, pietOwn]) c.destroy();
		await first.stop();

		const second = await start({ ...store, dataDir: first.dataDir });
		// Fresh documents: whatever they show came from the server's disk.
		const freshCollective = connect(second.wsUrl, collective, piet.token);
		const freshLane = connect(second.wsUrl, pietLane, facilitator.token);
		const freshPractice = connect(second.wsUrl, practiceDoc(practice.id), piet.token);
		await Promise.all([freshCollective.saved(), freshLane.saved(), freshPractice.saved()]);

		expect(laneView(freshCollective.doc)).toEqual(expectedCollective);
		expect(laneView(freshLane.doc)).toEqual(expectedLane);
		expect(laneView(freshLane.doc)[0]).toMatchObject({ color: 'green', loop: 'waarom', text: 'Alleen van mij,\nmaar iedereen mag lezen' });
		// Sessions and the practice itself came back too.
		expect(readPractice(freshPractice.doc).members.map((m) => m.name).sort()).toEqual(['Deelnemer 1', 'Fenna', 'Olga']);
		expect(second.zwerm.storage.kind).toBe(kind === 'SQLite' ? 'sqlite' : 'postgres');
	});
});

describe('the log on disk', () => {
	it('folds the log into checkpoints as it grows and restarts from them', async ({ startServer: start, connect }) => {
		// A long store debounce: the checkpoints seen before the restart come from `checkpointEvery`.
		const first = await start({ checkpointEvery: 5, storeDebounce: 60000 });
		const { practice, facilitator } = await setUpPractice(first.zwerm.practices);
		const lane = laneDoc(practice.id, board, facilitator.member.id);
		const writer = connect(first.wsUrl, lane, facilitator.token);
		await writer.saved();

		const ids = [];
		for (let i = 0; i < 50; i++) {
			if (i % 5 === 0) ids.push(createNote(writer.doc, { createdBy: facilitator.member.id, at: i, text: `notitie ${i / 5}`, x: i / 50, y: 0.5 }));
			else setPlainText(noteContent(writer.doc, ids.at(-1)!), `notitie ${ids.length - 1}, bewerking ${i % 5}`);
		}
		await writer.saved();
		const expected = laneView(writer.doc);
		expect(expected).toHaveLength(10);
		expect(expected.every((n, i) => n.text === `notitie ${i}, bewerking 4`)).toBe(true);

		// While the server runs, the log is being folded: a checkpoint exists and covers most of it.
		await expect.poll(() => readStored(first.dataDir, lane).checkpoints > 0, { message: 'a checkpoint while running' }).toBe(true);
		const running = readStored(first.dataDir, lane);
		expect(running.log.length).toBeGreaterThanOrEqual(50);
		expect(running.updatesAfterCheckpoint).toBeLessThan(running.log.length);
		expect(laneView(running.doc)).toEqual(expected);

		writer.destroy();
		await first.stop();
		expect(countRows(first.dataDir, 'checkpoints')).toBeGreaterThan(0);

		const second = await start({ dataDir: first.dataDir, checkpointEvery: 5 });
		const fresh = connect(second.wsUrl, lane, facilitator.token);
		await fresh.saved();
		expect(laneView(fresh.doc)).toEqual(expected);

		// And the same from the checkpoint and log on disk alone.
		expect(laneView(readStored(first.dataDir, lane).doc)).toEqual(expected);
	});
});
