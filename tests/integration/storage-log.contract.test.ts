/**
 * The document log's contract (server/storage/log.ts): the rules LOG-1… of
 * docs/SPEC.md, each `it` naming the ones it checks, run against SQLite and
 * PostgreSQL. Behaviour is observed through the interface; who an entry is
 * attributed to and whether erased bytes are still on disk come from the
 * adapter's inspector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Client } from 'pg';
import type { LoggedUpdate, Storage } from '#server/storage/types.ts';
import { PostgresStorage } from '#server/storage/postgres.ts';
import { randomId } from '#lib/domain/ids.ts';
import { createRandom, type Random } from '../helpers/random.ts';
import { postgresAvailable } from '../helpers/postgres.ts';
import { againstEachAdapter, docName, enc, entry, givenMember, givenPractice, lazyTestDatabase, T0, texts } from '../helpers/storage-contract.ts';

againstEachAdapter('document log contract', ({ name, open, inspect }) => {
	describe('the log', () => {
		let storage: Storage;
		beforeAll(async () => {
			storage = await open();
		});
		afterAll(async () => {
			await storage?.close();
		});

		describe('appending and loading', () => {
			it('LOG-6: an unknown document is empty', async () => {
				const doc = docName('empty');
				expect(await storage.log.load(doc)).toEqual({ checkpoint: null, updates: [], lastSeq: 0, checkpointSeq: 0 });
				expect(await storage.log.lastSeq(doc)).toBe(0);
				expect(await storage.log.countSince(doc, 0)).toBe(0);
				await storage.log.append([]);
				expect(await storage.log.lastSeq(doc)).toBe(0);
			});

			it('LOG-3, LOG-5, LOG-6: appends in order per document, keeps documents apart, and every byte', async () => {
				const a = docName('a');
				const b = docName('b');
				const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
				const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919 + (i >> 8)) & 255);
				await storage.log.append([entry(a, 'a1'), entry(b, 'b1'), entry(a, 'a2'), entry(a, allBytes), entry(b, 'b2')]);
				await storage.log.append([entry(b, 'b3'), entry(a, large)]);
				const loadedA = await storage.log.load(a);
				expect(loadedA.updates).toEqual([enc.encode('a1'), enc.encode('a2'), allBytes, large]);
				expect(loadedA.updates.every((u) => u instanceof Uint8Array)).toBe(true);
				expect(texts((await storage.log.load(b)).updates)).toEqual(['b1', 'b2', 'b3']);
				expect(loadedA.lastSeq).toBe(await storage.log.lastSeq(a));
				expect(loadedA.checkpoint).toBeNull();
				expect(loadedA.checkpointSeq).toBe(0);
				// One sequence for all documents: a's last entry came after b's second.
				expect(await storage.log.lastSeq(a)).toBeGreaterThan(await storage.log.lastSeq(b));
			});

			it('LOG-3, LOG-9: numbers entries increasingly and counts those after a sequence number', async () => {
				const doc = docName('count');
				const seqs: number[] = [];
				for (let i = 0; i < 5; i++) {
					await storage.log.append([entry(doc, `u${i}`), entry(docName('noise'), 'x')]);
					seqs.push(await storage.log.lastSeq(doc));
				}
				expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
				expect(await storage.log.countSince(doc, 0)).toBe(5);
				expect(await Promise.all(seqs.map((s) => storage.log.countSince(doc, s)))).toEqual([4, 3, 2, 1, 0]);
				expect(await storage.log.headSeq()).toBeGreaterThan(seqs[4]);
			});

			it('LOG-1: a batch that cannot be stored is not stored at all', async () => {
				const doc = docName('atomic');
				await storage.log.append([entry(doc, 'before')]);
				const broken = { doc, update: null, at: T0, memberId: null } as unknown as LoggedUpdate;
				await expect(storage.log.append([entry(doc, 'first of the batch'), broken, entry(doc, 'last of the batch')])).rejects.toThrow();
				expect(texts((await storage.log.load(doc)).updates)).toEqual(['before']);
				await storage.log.append([entry(doc, 'after')]);
				expect(texts((await storage.log.load(doc)).updates)).toEqual(['before', 'after']);
			});

			it('LOG-4: racing appends keep both batches, each in its order', async () => {
				const doc = docName('race');
				const other = docName('race-other');
				const batch = (label: string) => Array.from({ length: 25 }, (_, i) => entry(i % 5 === 4 ? other : doc, `${label}${i}`));
				const [x, y] = [batch('x'), batch('y')];
				await Promise.all([storage.log.append(x), storage.log.append(y)]);
				const only = (b: LoggedUpdate[], d: string) => texts(b.filter((u) => u.doc === d).map((u) => u.update));
				const got = texts((await storage.log.load(doc)).updates);
				expect([[...only(x, doc), ...only(y, doc)], [...only(y, doc), ...only(x, doc)]]).toContainEqual(got);
				expect(texts((await storage.log.load(other)).updates).sort()).toEqual([...only(x, other), ...only(y, other)].sort());
			});

			it('LOG-4: a reader never sees an entry before the entries numbered below it (what checkpoints rely on)', async () => {
				const doc = docName('visibility');
				const seen: string[][] = [];
				let written = 0;
				// Rounds of racing writers, watched by a few readers: an order violation is a race, so give it chances.
				for (let round = 0; round < 4; round++) {
					let writing = true;
					const readers = [1, 2, 3].map(async () => {
						while (writing) seen.push(texts((await storage.log.load(doc)).updates));
					});
					await Promise.all(
						Array.from({ length: 40 }, (_, i) => storage.log.append([entry(docName('noise'), 'n'), entry(doc, `w${written + i}`)]))
					);
					written += 40;
					writing = false;
					await Promise.all(readers);
				}
				const final = texts((await storage.log.load(doc)).updates);
				expect(final.slice().sort()).toEqual(Array.from({ length: written }, (_, i) => `w${i}`).sort());
				// Every read was a prefix of the final log: nothing appeared behind what had already been seen.
				for (const view of seen) expect(final.slice(0, view.length)).toEqual(view);
			});
		});

		describe('checkpoints', () => {
			it('LOG-7, LOG-8, LOG-9: loads the newest checkpoint plus the log after it; rewriting a checkpoint is harmless', async () => {
				const doc = docName('cp');
				const other = docName('cp-other');
				const seqs: number[] = [];
				for (const t of ['u1', 'u2', 'u3']) {
					await storage.log.append([entry(doc, t), entry(other, `o-${t}`)]);
					seqs.push(await storage.log.lastSeq(doc));
				}
				await storage.log.checkpoint(doc, seqs[1], enc.encode('state@2'));
				expect(await storage.log.load(doc)).toEqual({
					checkpoint: enc.encode('state@2'),
					checkpointSeq: seqs[1],
					updates: [enc.encode('u3')],
					lastSeq: seqs[2]
				});
				// An older checkpoint written late does not win.
				await storage.log.checkpoint(doc, seqs[0], enc.encode('state@1'));
				expect((await storage.log.load(doc)).checkpointSeq).toBe(seqs[1]);

				await storage.log.checkpoint(doc, seqs[2], enc.encode('state@3'));
				// The same sequence number again (a second compaction of the same log): no error, one checkpoint.
				await Promise.all([
					storage.log.checkpoint(doc, seqs[2], enc.encode('state@3')),
					storage.log.checkpoint(doc, seqs[2], enc.encode('state@3'))
				]);
				expect(await storage.log.load(doc)).toEqual({
					checkpoint: enc.encode('state@3'),
					checkpointSeq: seqs[2],
					updates: [],
					lastSeq: seqs[2]
				});
				// Checkpoints do not shorten the log; other documents are untouched.
				expect(await storage.log.countSince(doc, 0)).toBe(3);
				expect(await storage.log.lastSeq(doc)).toBe(seqs[2]);
				expect(await storage.log.load(other)).toMatchObject({ checkpoint: null, updates: ['o-u1', 'o-u2', 'o-u3'].map((t) => enc.encode(t)) });

				// The quota's measure: the newest checkpoint and the log after it; the whole log besides.
				expect(await storage.log.size(doc)).toEqual({ checkpointBytes: 7, logBytesSinceCheckpoint: 0, logBytes: 6 });
				expect(await storage.log.size(docName('none'))).toEqual({ checkpointBytes: 0, logBytesSinceCheckpoint: 0, logBytes: 0 });

				await storage.log.append([entry(doc, 'u4')]);
				expect(await storage.log.size(doc)).toEqual({ checkpointBytes: 7, logBytesSinceCheckpoint: 2, logBytes: 8 });
				expect(await storage.log.size(other)).toEqual({ checkpointBytes: 0, logBytesSinceCheckpoint: 12, logBytes: 12 });
				const after = await storage.log.load(doc);
				expect(texts(after.updates)).toEqual(['u4']);
				expect(after.lastSeq).toBe(await storage.log.lastSeq(doc));
			});

			it('LOG-8: a checkpoint without a log (sequence 0) loads, with the entries after it', async () => {
				const doc = docName('cp0');
				await storage.log.checkpoint(doc, 0, enc.encode('initial'));
				expect(await storage.log.load(doc)).toEqual({ checkpoint: enc.encode('initial'), checkpointSeq: 0, updates: [], lastSeq: 0 });
				await storage.log.append([entry(doc, 'next')]);
				expect(texts((await storage.log.load(doc)).updates)).toEqual(['next']);
			});

			it.each([1, 2024])(
				'LOG-5, LOG-7: random edits by two clients, batched and checkpointed, reload to the same Yjs document (seed %i)',
				async (seed) => {
					const random = createRandom(seed);
					const doc = docName(`yjs-${seed}`);
					const server = new Y.Doc();
					const clients = [new Y.Doc(), new Y.Doc()];
					const unsent: Uint8Array[][] = [[], []];
					let pending: LoggedUpdate[] = [];
					server.on('update', (update: Uint8Array) => pending.push({ doc, update, at: T0, memberId: null }));
					clients.forEach((c, i) =>
						c.on('update', (update: Uint8Array, origin: unknown) => {
							if (origin === 'sync') return;
							Y.applyUpdate(server, update, 'client');
							unsent[1 - i].push(update);
						})
					);
					let checkpoints = 0;
					for (let step = 0; step < 300; step++) {
						const i = random.int(0, 1);
						edit(random, clients[i]);
						if (random.bool(0.1)) {
							for (const u of unsent[i].splice(0)) Y.applyUpdate(clients[i], u, 'sync');
						}
						if (pending.length && random.bool(0.25)) {
							const batch = pending;
							pending = [];
							await storage.log.append(batch);
						}
						if (step % 97 === 96) {
							await storage.log.append(pending.splice(0));
							await storage.log.checkpoint(doc, await storage.log.lastSeq(doc), Y.encodeStateAsUpdateV2(server));
							checkpoints++;
						}
					}
					await storage.log.append(pending.splice(0));
					expect(checkpoints).toBe(3);

					const stored = await storage.log.load(doc);
					expect(stored.checkpoint).not.toBeNull();
					expect(stored.updates.length).toBeGreaterThan(0);
					const reloaded = new Y.Doc();
					Y.applyUpdateV2(reloaded, stored.checkpoint!);
					for (const u of stored.updates) Y.applyUpdate(reloaded, u);
					expect(reloaded.store.pendingStructs).toBeNull();
					expect(snapshot(reloaded)).toEqual(snapshot(server));
					expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(server));
					// And, once the clients have exchanged everything, all of them agree with what was stored.
					for (const [i, c] of clients.entries()) for (const u of unsent[i].splice(0)) Y.applyUpdate(c, u, 'sync');
					expect(snapshot(clients[0])).toEqual(snapshot(reloaded));
					expect(snapshot(clients[1])).toEqual(snapshot(reloaded));
				}
			);
		});

		describe('the timeline', () => {
			it('LOG-10, LOG-11: lists the log of several documents without bytes, in order, and rebuilds a document at any sequence number', async () => {
				const [a, b, other] = [docName('tl-a'), docName('tl-b'), docName('tl-other')];
				const member = randomId(16);
				await storage.log.append([entry(a, 'a1', member, T0 + 1), entry(other, 'x'), entry(b, 'b1', null, T0 + 2)]);
				await storage.log.append([entry(a, 'a2', member, T0 + 3)]);
				const seqA2 = await storage.log.lastSeq(a);
				await storage.log.checkpoint(a, seqA2, enc.encode('A@2'));
				await storage.log.append([entry(a, 'a3', null, T0 + 4), entry(b, 'b2', member, T0 + 5)]);

				const all = await storage.log.history([a, b]);
				expect(all.map((e) => [e.doc, e.at, e.memberId])).toEqual([
					[a, T0 + 1, member],
					[b, T0 + 2, null],
					[a, T0 + 3, member],
					[a, T0 + 4, null],
					[b, T0 + 5, member]
				]);
				expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((x, y) => x - y));
				expect(all.some((e) => e.doc === other)).toBe(false);
				expect((await storage.log.history([a, b], { after: all[1].seq, upTo: all[3].seq })).map((e) => e.seq)).toEqual([all[2].seq, all[3].seq]);
				expect(await storage.log.history([])).toEqual([]);

				// Before the checkpoint: the log from the start; at or after it: the checkpoint and what follows.
				const early = await storage.log.stateAt(a, all[0].seq);
				expect(early.checkpoint).toBeNull();
				expect(texts(early.updates.map((u) => u.data))).toEqual(['a1']);
				const atCheckpoint = await storage.log.stateAt(a, seqA2);
				expect(atCheckpoint).toMatchObject({ checkpoint: enc.encode('A@2'), checkpointSeq: seqA2, updates: [] });
				const late = await storage.log.stateAt(a, all[4].seq);
				expect(late.checkpoint).toEqual(enc.encode('A@2'));
				expect(texts(late.updates.map((u) => u.data))).toEqual(['a3']);
				expect(late.updates[0].seq).toBe(all[3].seq);

				const between = await storage.log.updatesBetween([a, b], all[0].seq, all[4].seq);
				expect(between.map((u) => [u.doc, new TextDecoder().decode(u.data), u.memberId])).toEqual([
					[b, 'b1', null],
					[a, 'a2', member],
					[a, 'a3', null],
					[b, 'b2', member]
				]);
				expect(await storage.log.updatesBetween([], 0, all[4].seq)).toEqual([]);
				expect(await storage.log.headSeq()).toBeGreaterThanOrEqual(all[4].seq);
			});

			it('LOG-12: gives a document version that changes with its content, also across an erasure', async () => {
				const doc = docName('version');
				expect(await storage.log.versionAt(doc, 1e9)).toEqual({ seq: 0, count: 0 });
				await storage.log.append([entry(doc, 'v1')]);
				const s1 = await storage.log.lastSeq(doc);
				await storage.log.append([entry(docName('noise'), 'x')]);
				await storage.log.append([entry(doc, 'v2')]);
				const s2 = await storage.log.lastSeq(doc);
				expect(await storage.log.versionAt(doc, s1)).toEqual({ seq: s1, count: 1 });
				expect(await storage.log.versionAt(doc, s2 - 1)).toEqual({ seq: s1, count: 1 });
				expect(await storage.log.versionAt(doc, s2)).toEqual({ seq: s2, count: 2 });
				await storage.log.checkpoint(doc, s2, enc.encode('state'));
				expect(await storage.log.versionAt(doc, s2)).toEqual({ seq: s2, count: 2 });
				await storage.log.erase([{ doc, state: enc.encode('erased') }]);
				expect(await storage.log.versionAt(doc, s2)).toEqual({ seq: s2, count: 0 });
				expect(await storage.log.versionAt(doc, s1)).toEqual({ seq: 0, count: 0 });
			});
		});

		describe('forgetting and erasing', () => {
			it('LOG-15: forgets who made changes, not the changes', async () => {
				const [leaving, staying] = [randomId(16), randomId(16)];
				const a = docName('forget-a');
				const b = docName('forget-b');
				await storage.log.append([entry(a, 'p1', leaving), entry(a, 's1', staying), entry(b, 'p2', leaving), entry(b, 'server', null)]);
				await storage.log.forgetAuthor(leaving);
				expect(await inspect.authors(a)).toEqual([null, staying]);
				expect(await inspect.authors(b)).toEqual([null, null]);
				expect((await storage.log.history([a, b])).map((e) => e.memberId)).toEqual([null, staying, null, null]);
				// The changes themselves stay: only who made them is forgotten.
				expect(texts((await storage.log.load(a)).updates)).toEqual(['p1', 's1']);
				await storage.log.forgetAuthor(leaving);
				expect(await inspect.authors(a)).toEqual([null, staying]);
			});

			it('LOG-13: replaces a document’s log and checkpoints by one checkpoint of its state; other documents keep theirs', async () => {
				const [a, b, kept, never] = [docName('erase-a'), docName('erase-b'), docName('erase-kept'), docName('erase-never')];
				await storage.log.append([entry(a, 'a1'), entry(b, 'b1'), entry(kept, 'k1'), entry(a, 'a2')]);
				await storage.log.checkpoint(a, await storage.log.lastSeq(a), enc.encode('a-state-old'));
				await storage.log.checkpoint(kept, await storage.log.lastSeq(kept), enc.encode('k-state'));
				await storage.log.append([entry(a, 'a3'), entry(kept, 'k2')]);
				const lastA = await storage.log.lastSeq(a);
				const lastB = await storage.log.lastSeq(b);
				const keptBefore = await storage.log.load(kept);

				await storage.log.erase([
					{ doc: a, state: enc.encode('A now') },
					{ doc: b, state: enc.encode('B now') },
					{ doc: never, state: enc.encode('never logged') }
				]);
				expect(await storage.log.load(a)).toEqual({ checkpoint: enc.encode('A now'), checkpointSeq: lastA, updates: [], lastSeq: lastA });
				expect(await storage.log.load(b)).toEqual({ checkpoint: enc.encode('B now'), checkpointSeq: lastB, updates: [], lastSeq: lastB });
				expect(await storage.log.load(never)).toEqual({ checkpoint: enc.encode('never logged'), checkpointSeq: 0, updates: [], lastSeq: 0 });
				expect(await storage.log.countSince(a, 0)).toBe(0);
				expect(await storage.log.history([a, b])).toEqual([]);
				expect(await storage.log.load(kept)).toEqual(keptBefore);
				expect(await storage.log.countSince(kept, 0)).toBe(2);

				// Life goes on after erasure: new entries load on top of the erased state.
				await storage.log.append([entry(a, 'a4')]);
				const after = await storage.log.load(a);
				expect(after.checkpoint).toEqual(enc.encode('A now'));
				expect(texts(after.updates)).toEqual(['a4']);
				expect(after.lastSeq).toBeGreaterThan(lastA);
			});

			it('LOG-14, REC-10: leaves nothing erased in the store’s files, nor the name of a member forgotten before', async () => {
				const { practice } = await givenPractice(storage);
				const secretName = `Naam-${randomId(20)}`;
				const secretText = `Geheim-${randomId(24)}`;
				const keptText = `Blijft-${randomId(24)}`;
				const leaving = await givenMember(storage, practice.id, 'participant', { name: secretName });
				const [priv, shared] = [docName('erase-private'), docName('erase-shared')];
				await storage.log.append([
					entry(priv, `${secretText} 1`, leaving.member.id),
					entry(shared, keptText, null),
					entry(priv, `${secretText} 2`, leaving.member.id)
				]);
				await storage.log.checkpoint(priv, await storage.log.lastSeq(priv), enc.encode(`checkpoint ${secretText}`));
				const before = await inspect.onDisk(enc.encode(secretText));
				if (before === null) return expect.fail(`${name}: the test cannot read the store's files (PostgreSQL: needs a superuser)`);
				expect(before).toBe(true);
				expect(await inspect.onDisk(enc.encode(secretName))).toBe(true);

				// What leaving does: forget the member and their authorship, then erase their documents' history.
				await storage.records.members.forget(leaving.member.id);
				await storage.log.forgetAuthor(leaving.member.id);
				await storage.log.erase([{ doc: priv, state: enc.encode('empty') }]);
				expect(await inspect.onDisk(enc.encode(secretText))).toBe(false);
				expect(await inspect.onDisk(enc.encode(secretName))).toBe(false);
				expect(await inspect.onDisk(enc.encode(keptText))).toBe(true);
				expect(texts((await storage.log.load(shared)).updates)).toEqual([keptText]);
			});
		});

		describe('opening again', () => {
			it('LOG-2: a second handle on the same store sees every acknowledged entry, and appends after them', async () => {
				const doc = docName('reopen');
				await storage.log.append([entry(doc, 'before restart')]);
				await storage.log.checkpoint(doc, 0, enc.encode('initial'));
				const again = await open();
				try {
					expect(await again.log.load(doc)).toMatchObject({ checkpoint: enc.encode('initial'), updates: [enc.encode('before restart')] });
					await again.log.append([entry(doc, 'after restart')]);
				} finally {
					await again.close();
				}
				expect(texts((await storage.log.load(doc)).updates)).toEqual(['before restart', 'after restart']);
			});
		});
	});
});

describe.skipIf(!postgresAvailable)('document log contract: PostgreSQL under trouble', () => {
	const db = lazyTestDatabase();
	afterAll(db.drop);

	it('LOG-1, LOG-16: survives its connections being cut, idle or in a transaction: the write fails whole, the next one works', async () => {
		const { url, name, query } = await db();
		const store = await PostgresStorage.open(url);
		const doc = docName('cut');
		const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
		// Terminates the store's connections; the pool hears of it a moment later (a write in that moment fails and is retried by its caller).
		const cut = async () => {
			await query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'zwerm' AND datname = $1", [name]);
			await pause(100);
		};
		try {
			await store.log.append([entry(doc, 'before')]);
			await cut();
			await store.log.append([entry(doc, 'after an idle cut')]);
			const outcomes: string[] = [];
			for (const delay of [0, 3, 10]) {
				const bulk = Array.from({ length: 5000 }, (_, i) => entry(doc, `bulk ${delay} ${i}`));
				const writing = store.log.append(bulk).then(
					() => 'stored',
					() => 'failed'
				);
				const cutting = pause(delay).then(cut);
				outcomes.push(await writing);
				await cutting;
			}
			expect(outcomes).toContain('failed');
			await store.log.append([entry(doc, 'after')]);
			const stored = texts((await store.log.load(doc)).updates);
			expect(stored.slice(0, 2)).toEqual(['before', 'after an idle cut']);
			expect(stored.at(-1)).toBe('after');
			// A batch is all or nothing.
			expect(stored.length).toBe(3 + 5000 * outcomes.filter((o) => o === 'stored').length);
		} finally {
			await store.close();
		}
	});

	it('LOG-17: an erasure waiting for its tables (say, behind a backup) does not hold the log up meanwhile', async () => {
		const { url } = await db();
		const store = await PostgresStorage.open(url);
		const reader = new Client({ connectionString: url });
		await reader.connect();
		try {
			const doc = docName('blocked');
			await store.log.append([entry(doc, 'old')]);
			// A long read of the log: VACUUM FULL must wait for it to end.
			await reader.query('BEGIN');
			await reader.query('SELECT COUNT(*) FROM updates');
			let erased = false;
			const erasing = store.log.erase([{ doc, state: enc.encode('now') }]).then(() => (erased = true));
			await new Promise((resolve) => setTimeout(resolve, 300));
			await store.log.append([entry(doc, 'meanwhile')]);
			expect(erased).toBe(false);
			await new Promise((resolve) => setTimeout(resolve, 500));
			await reader.query('COMMIT');
			await erasing;
			expect(await store.log.load(doc)).toMatchObject({ checkpoint: enc.encode('now'), updates: [enc.encode('meanwhile')] });
		} finally {
			await reader.end();
			await store.close();
		}
	});
});

/** One random change: text typed or deleted, map entries set or removed, list items pushed, moved or removed. */
function edit(random: Random, doc: Y.Doc): void {
	const text = doc.getText('text');
	const map = doc.getMap<unknown>('notes');
	const list = doc.getArray<unknown>('order');
	doc.transact(() => {
		for (let n = random.int(1, 3); n > 0; n--) {
			switch (random.int(0, 5)) {
				case 0:
				case 1:
					text.insert(random.int(0, text.length), `${random.word()} `, random.bool(0.2) ? { bold: true } : undefined);
					break;
				case 2:
					if (text.length > 0) {
						const at = random.int(0, text.length - 1);
						text.delete(at, Math.min(random.int(1, 5), text.length - at));
					}
					break;
				case 3: {
					const key = `n${random.int(0, 9)}`;
					if (random.bool(0.7)) {
						const note = new Y.Map<unknown>();
						note.set('x', random.next());
						note.set('text', new Y.Text(random.word()));
						map.set(key, note);
					} else map.delete(key);
					break;
				}
				case 4:
					list.insert(random.int(0, list.length), [random.id(8)]);
					break;
				case 5:
					if (list.length > 0) list.delete(random.int(0, list.length - 1), 1);
					break;
			}
		}
	});
}

function snapshot(doc: Y.Doc) {
	return { text: doc.getText('text').toDelta(), notes: doc.getMap('notes').toJSON(), order: doc.getArray('order').toJSON() };
}
