/**
 * The storage contract: what every adapter of `Storage` (server/storage/types.ts)
 * must do, run once against SQLite and once against PostgreSQL (a throwaway
 * database, dropped afterwards). Behaviour is observed through the interface;
 * the two things it cannot show — who a log entry is attributed to, and
 * whether erased bytes are still in the store's files — come from a small
 * per-adapter inspector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { LoggedUpdate, MarkRecord, MemberRecord, PracticeRecord, RoundRecord, Storage } from '../../server/storage/types.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import { randomId, type MemberId, type PracticeId } from '../../src/lib/domain/ids.ts';
import type { Role } from '../../src/lib/domain/practice.ts';
import { DEFAULT_FRAMEWORK_ID, getBuiltinFramework } from '../../src/lib/domain/frameworks.ts';
import { createRandom, type Random } from '../helpers/random.ts';
import { removeDir, tempDir } from '../helpers/server.ts';
import { Client } from 'pg';
import { createTestDatabase, onDisk, postgresAvailable, type TestDatabase } from '../helpers/postgres.ts';

export interface StoreInspector {
	/** The member each of a document's log entries is attributed to, in log order. */
	authors(doc: string): Promise<(string | null)[]>;
	/** Whether the bytes occur anywhere in the store's files; null when that cannot be checked here. */
	onDisk(needle: Uint8Array): Promise<boolean | null>;
}

const enc = new TextEncoder();
const T0 = 1_760_000_000_000;

function practiceRecord(overrides: Partial<PracticeRecord> = {}): PracticeRecord {
	return {
		id: randomId(16) as PracticeId,
		name: 'Lerende praktijk 🐝 ëën',
		framework: getBuiltinFramework(DEFAULT_FRAMEWORK_ID)!,
		createdAt: T0,
		participantInvite: randomId(32),
		observerInvite: randomId(32),
		defaultVisibility: 'shared',
		...overrides
	};
}

function memberRecord(practiceId: PracticeId, role: Role, overrides: Partial<MemberRecord> = {}): MemberRecord {
	return {
		id: randomId(16) as MemberId,
		practiceId,
		name: `Lid ${randomId(4)}`,
		role,
		createdAt: T0 + 1000,
		removedAt: null,
		hadLane: role !== 'observer',
		...overrides
	};
}

const hashes = () => ({ participant: randomId(43), observer: randomId(43) });
const docName = (label: string) => `contract/${label}/${randomId(12)}`;
const entry = (doc: string, text: string | Uint8Array, memberId: string | null = null, at = T0): LoggedUpdate => ({
	doc,
	update: typeof text === 'string' ? enc.encode(text) : text,
	at,
	memberId: memberId as MemberId | null
});
const texts = (updates: readonly Uint8Array[]) => updates.map((u) => new TextDecoder().decode(u));

/**
 * One contract, any adapter. `makeStorage` opens a handle on the suite's store
 * (called again, it is a restart on the same data); `cleanup` removes the store.
 */
export function storageContract(
	name: string,
	makeStorage: () => Promise<Storage>,
	cleanup: () => Promise<void>,
	inspect: StoreInspector
): void {
	describe(`storage contract: ${name}`, () => {
		let storage: Storage;

		beforeAll(async () => {
			storage = await makeStorage();
		});
		afterAll(async () => {
			await storage?.close();
			await cleanup();
		});

		async function givenPractice(overrides: Partial<PracticeRecord> = {}) {
			const practice = practiceRecord(overrides);
			const invites = hashes();
			await storage.createPractice(practice, invites);
			return { practice, invites };
		}

		async function givenMember(practiceId: PracticeId, role: Role, overrides: Partial<MemberRecord> = {}) {
			const member = memberRecord(practiceId, role, overrides);
			const session = randomId(43);
			await storage.addMember(member, session);
			return { member, session };
		}

		describe('practices and invites', () => {
			it('stores a practice, framework and all, and finds its invites by hash', async () => {
				const { practice, invites } = await givenPractice();
				expect(await storage.getPractice(practice.id)).toEqual(practice);
				expect(await storage.findInvite(invites.participant)).toEqual({ practiceId: practice.id, role: 'participant' });
				expect(await storage.findInvite(invites.observer)).toEqual({ practiceId: practice.id, role: 'observer' });
				expect(await storage.findInvite(randomId(43))).toBeNull();
				expect(await storage.getPractice(randomId(16) as PracticeId)).toBeNull();
			});

			it('creates a practice with its invites or not at all', async () => {
				const { practice } = await givenPractice();
				const again = hashes();
				await expect(storage.createPractice(practiceRecord({ id: practice.id }), again)).rejects.toThrow();
				expect(await storage.findInvite(again.participant)).toBeNull();
				expect(await storage.getPractice(practice.id)).toEqual(practice);
			});

			it('keeps the default visibility it is given, and changes it', async () => {
				const { practice } = await givenPractice({ defaultVisibility: 'private' });
				expect((await storage.getPractice(practice.id))?.defaultVisibility).toBe('private');
				await storage.setDefaultVisibility(practice.id, 'anonymous');
				expect((await storage.getPractice(practice.id))?.defaultVisibility).toBe('anonymous');
			});

			it('renews invites: old hashes stop working, other practices keep theirs', async () => {
				const { practice, invites } = await givenPractice();
				const other = await givenPractice();
				const tokens = { participant: randomId(32), observer: randomId(32) };
				const renewed = hashes();
				await storage.renewInvites(practice.id, tokens, renewed);
				expect(await storage.findInvite(invites.participant)).toBeNull();
				expect(await storage.findInvite(invites.observer)).toBeNull();
				expect(await storage.findInvite(renewed.participant)).toEqual({ practiceId: practice.id, role: 'participant' });
				expect(await storage.findInvite(renewed.observer)).toEqual({ practiceId: practice.id, role: 'observer' });
				expect(await storage.getPractice(practice.id)).toMatchObject({ participantInvite: tokens.participant, observerInvite: tokens.observer });
				expect(await storage.findInvite(other.invites.participant)).toEqual({ practiceId: other.practice.id, role: 'participant' });
			});
		});

		describe('members and sessions', () => {
			it('finds members by session and by id; a lane comes with every role but observer', async () => {
				const { practice } = await givenPractice();
				const fac = await givenMember(practice.id, 'facilitator');
				const part = await givenMember(practice.id, 'participant');
				const obs = await givenMember(practice.id, 'observer', { hadLane: true });
				expect(await storage.findSession(fac.session)).toEqual({ ...fac.member, hadLane: true });
				expect(await storage.findSession(part.session)).toEqual({ ...part.member, hadLane: true });
				// The lane follows from the role, not from the record handed in.
				expect(await storage.findSession(obs.session)).toEqual({ ...obs.member, hadLane: false });
				expect(await storage.getMember(part.member.id)).toEqual(part.member);
				expect(await storage.findSession(randomId(43))).toBeNull();
				expect(await storage.getMember(randomId(16) as MemberId)).toBeNull();
			});

			it('refuses a second member with the same session hash', async () => {
				const { practice } = await givenPractice();
				const { session } = await givenMember(practice.id, 'participant');
				await expect(storage.addMember(memberRecord(practice.id, 'participant'), session)).rejects.toThrow();
			});

			it('lists members in order of joining, then by id byte by byte, without removed ones', async () => {
				const { practice } = await givenPractice();
				const other = await givenPractice();
				await givenMember(other.practice.id, 'participant');
				// Ids that sort differently by byte and by a language's collation.
				const suffix = randomId(12);
				const ids = ['bob', 'Bob', 'Zed', 'apple', '_x', '-y'].map((p) => (p + suffix) as MemberId);
				const joined = [];
				for (const [i, id] of ids.entries()) joined.push((await givenMember(practice.id, 'participant', { id, createdAt: T0 + (i < 5 ? 1 : 0) })).member);
				const expected = [joined[5], ...joined.slice(0, 5).sort((a, b) => (a.id < b.id ? -1 : 1))];
				expect((await storage.listMembers(practice.id)).map((m) => m.id)).toEqual(expected.map((m) => m.id));

				await storage.removeMember(ids[1], T0 + 5000);
				expect((await storage.listMembers(practice.id)).map((m) => m.id)).toEqual(expected.filter((m) => m.id !== ids[1]).map((m) => m.id));
				expect(await storage.getMember(ids[1])).toEqual({ ...joined[1], removedAt: T0 + 5000 });
			});

			it('a removed member’s session stops working at once', async () => {
				const { practice } = await givenPractice();
				const { member, session } = await givenMember(practice.id, 'participant');
				await storage.removeMember(member.id, T0 + 9000);
				expect(await storage.findSession(session)).toBeNull();
				expect((await storage.getMember(member.id))?.removedAt).toBe(T0 + 9000);
			});

			it('a device code signs in once, before it expires, as its member; a newer code replaces it', async () => {
				const { practice } = await givenPractice();
				const { member } = await givenMember(practice.id, 'participant');
				const other = await givenMember(practice.id, 'observer');
				const code = { codeHash: randomId(43), memberId: member.id, createdAt: T0, expiresAt: T0 + 600_000 };
				await storage.saveDeviceCode(code);
				await storage.saveDeviceCode({ codeHash: randomId(43), memberId: other.member.id, createdAt: T0, expiresAt: T0 + 600_000 });
				// Looking does not use it up.
				expect(await storage.findDeviceCode(code.codeHash, T0 + 1)).toEqual({ member: { ...member, hadLane: true }, expiresAt: T0 + 600_000 });
				expect(await storage.findDeviceCode(code.codeHash, T0 + 1)).not.toBeNull();
				expect(await storage.findDeviceCode(code.codeHash, T0 + 600_000)).toBeNull();
				expect(await storage.redeemDeviceCode(code.codeHash, T0 + 600_000, randomId(43))).toBeNull();

				// Redeemed: a second session for the member, the first still works; the code is gone.
				const device = randomId(43);
				const racing = await Promise.all([
					storage.redeemDeviceCode(code.codeHash, T0 + 2, device),
					storage.redeemDeviceCode(code.codeHash, T0 + 2, randomId(43))
				]);
				expect(racing.filter((m) => m !== null)).toEqual([{ ...member, hadLane: true }]);
				expect(racing[0]).not.toBeNull();
				expect(await storage.findSession(device)).toEqual({ ...member, hadLane: true });
				expect(await storage.findDeviceCode(code.codeHash, T0 + 3)).toBeNull();
				expect(await storage.redeemDeviceCode(code.codeHash, T0 + 3, randomId(43))).toBeNull();

				// A new code replaces the member's earlier one; revoking drops it; another member's stays.
				const first = { codeHash: randomId(43), memberId: member.id, createdAt: T0 + 10, expiresAt: T0 + 600_010 };
				const second = { ...first, codeHash: randomId(43), createdAt: T0 + 20 };
				await storage.saveDeviceCode(first);
				await storage.saveDeviceCode(second);
				expect(await storage.findDeviceCode(first.codeHash, T0 + 30)).toBeNull();
				expect(await storage.findDeviceCode(second.codeHash, T0 + 30)).not.toBeNull();
				await storage.revokeDeviceCodes(member.id);
				expect(await storage.findDeviceCode(second.codeHash, T0 + 30)).toBeNull();
			});

			it('a removed member’s device codes and other devices’ sessions die with them', async () => {
				const { practice } = await givenPractice();
				const { member, session } = await givenMember(practice.id, 'participant');
				const used = randomId(43);
				await storage.saveDeviceCode({ codeHash: used, memberId: member.id, createdAt: T0, expiresAt: T0 + 600_000 });
				const device = randomId(43);
				expect(await storage.redeemDeviceCode(used, T0 + 1, device)).not.toBeNull();
				const pending = randomId(43);
				await storage.saveDeviceCode({ codeHash: pending, memberId: member.id, createdAt: T0 + 2, expiresAt: T0 + 600_000 });

				await storage.removeMember(member.id, T0 + 5);
				expect(await storage.findSession(session)).toBeNull();
				expect(await storage.findSession(device)).toBeNull();
				expect(await storage.findDeviceCode(pending, T0 + 6)).toBeNull();
				expect(await storage.redeemDeviceCode(pending, T0 + 6, randomId(43))).toBeNull();
			});

			it('renames and changes roles; a lane once had is remembered, also after becoming an observer', async () => {
				const { practice } = await givenPractice();
				const { member, session } = await givenMember(practice.id, 'observer');
				await storage.updateMember(member.id, { name: 'Olga Waarnemer' });
				expect(await storage.findSession(session)).toEqual({ ...member, name: 'Olga Waarnemer', hadLane: false });

				await storage.updateMember(member.id, { role: 'observer' });
				expect((await storage.getMember(member.id))?.hadLane).toBe(false);

				await storage.updateMember(member.id, { role: 'participant' });
				expect(await storage.getMember(member.id)).toMatchObject({ role: 'participant', hadLane: true, name: 'Olga Waarnemer' });

				await storage.updateMember(member.id, { role: 'observer', name: 'Olga' });
				expect(await storage.getMember(member.id)).toMatchObject({ role: 'observer', hadLane: true, name: 'Olga' });

				await storage.updateMember(member.id, {});
				expect(await storage.getMember(member.id)).toMatchObject({ role: 'observer', hadLane: true, name: 'Olga' });

				await storage.updateMember(member.id, { role: 'facilitator' });
				expect(await storage.getMember(member.id)).toMatchObject({ role: 'facilitator', hadLane: true });
			});

			it('forgets a member: name blank, no lane, log entries no longer theirs', async () => {
				const { practice } = await givenPractice();
				const leaving = await givenMember(practice.id, 'participant', { name: 'Piet Vertrekker' });
				const staying = await givenMember(practice.id, 'participant');
				const a = docName('forget-a');
				const b = docName('forget-b');
				await storage.appendUpdates([
					entry(a, 'p1', leaving.member.id),
					entry(a, 's1', staying.member.id),
					entry(b, 'p2', leaving.member.id),
					entry(b, 'server', null)
				]);
				await storage.forgetMember(leaving.member.id);
				expect(await storage.getMember(leaving.member.id)).toEqual({ ...leaving.member, name: '', hadLane: false });
				expect(await storage.getMember(staying.member.id)).toEqual(staying.member);
				expect(await inspect.authors(a)).toEqual([null, staying.member.id]);
				expect(await inspect.authors(b)).toEqual([null, null]);
				// The changes themselves stay: only who made them is forgotten.
				expect(texts((await storage.loadDocument(a)).updates)).toEqual(['p1', 's1']);
			});
		});

		describe('silent rounds', () => {
			it('creates rounds, reveals each once, and lists the open ones', async () => {
				const { practice } = await givenPractice();
				const round = (boardId: string, revealedAt: number | null = null): RoundRecord => ({
					id: randomId(12),
					practiceId: practice.id,
					boardId,
					startedAt: T0 + 123_456,
					endsAt: T0 + 123_456 + 5 * 60_000,
					revealedAt
				});
				const a = round('normativiteit');
				const b = round('ruimte');
				const done = round('doel', T0);
				for (const r of [a, b, done]) await storage.createRound(r);
				const open = async () =>
					(await storage.openRounds()).filter((r) => r.practiceId === practice.id).sort((x, y) => (x.id < y.id ? -1 : 1));
				expect(await open()).toEqual([a, b].sort((x, y) => (x.id < y.id ? -1 : 1)));

				await storage.revealRound(a.id, T0 + 200_000);
				expect(await open()).toEqual([b]);
				// Revealing again (or an unknown round) changes nothing.
				await storage.revealRound(a.id, T0 + 300_000);
				await storage.revealRound(randomId(12), T0);
				expect(await open()).toEqual([b]);
				await expect(storage.createRound(a)).rejects.toThrow();
			});
		});

		describe('anonymous links', () => {
			const sorted = (links: { anonId: string; noteId: string }[]) => [...links].sort((x, y) => (x.anonId < y.anonId ? -1 : 1));

			it('links, lists, replaces, unlinks by anonymous id and by source', async () => {
				const src1 = docName('private-1');
				const src2 = docName('private-2');
				const [a1, a2, a3, a4] = [randomId(16), randomId(16), randomId(16), randomId(16)];
				const [n1, n2, n3] = [randomId(16), randomId(16), randomId(16)];
				await storage.linkAnonymous(a1, src1, n1);
				await storage.linkAnonymous(a2, src1, n2);
				await storage.linkAnonymous(a3, src2, n3);
				expect(sorted(await storage.anonymousLinks(src1))).toEqual(sorted([{ anonId: a1, noteId: n1 }, { anonId: a2, noteId: n2 }]));
				expect(await storage.anonymousLinks(src2)).toEqual([{ anonId: a3, noteId: n3 }]);
				expect(await storage.anonymousLinks(docName('none'))).toEqual([]);

				// One anonymous copy per source note, one source per anonymous note: a new link replaces a clashing one.
				await storage.linkAnonymous(a4, src1, n1);
				expect(sorted(await storage.anonymousLinks(src1))).toEqual(sorted([{ anonId: a4, noteId: n1 }, { anonId: a2, noteId: n2 }]));
				await storage.linkAnonymous(a2, src2, n2);
				expect(await storage.anonymousLinks(src1)).toEqual([{ anonId: a4, noteId: n1 }]);
				expect(sorted(await storage.anonymousLinks(src2))).toEqual(sorted([{ anonId: a3, noteId: n3 }, { anonId: a2, noteId: n2 }]));

				await storage.unlinkAnonymous([a3, randomId(16)]);
				await storage.unlinkAnonymous([]);
				expect(await storage.anonymousLinks(src2)).toEqual([{ anonId: a2, noteId: n2 }]);
				await storage.unlinkAnonymousSources([src1, docName('none')]);
				await storage.unlinkAnonymousSources([]);
				expect(await storage.anonymousLinks(src1)).toEqual([]);
				expect(await storage.anonymousLinks(src2)).toEqual([{ anonId: a2, noteId: n2 }]);
			});
		});

		describe('the update log', () => {
			it('an unknown document is empty', async () => {
				const doc = docName('empty');
				expect(await storage.loadDocument(doc)).toEqual({ checkpoint: null, updates: [], lastSeq: 0, checkpointSeq: 0 });
				expect(await storage.lastSeq(doc)).toBe(0);
				expect(await storage.countUpdatesSince(doc, 0)).toBe(0);
				await storage.appendUpdates([]);
				expect(await storage.lastSeq(doc)).toBe(0);
			});

			it('appends in order per document, keeps documents apart, and every byte', async () => {
				const a = docName('a');
				const b = docName('b');
				const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
				const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919 + (i >> 8)) & 255);
				await storage.appendUpdates([entry(a, 'a1'), entry(b, 'b1'), entry(a, 'a2'), entry(a, allBytes), entry(b, 'b2')]);
				await storage.appendUpdates([entry(b, 'b3'), entry(a, large)]);
				const loadedA = await storage.loadDocument(a);
				expect(loadedA.updates).toEqual([enc.encode('a1'), enc.encode('a2'), allBytes, large]);
				expect(loadedA.updates.every((u) => u instanceof Uint8Array)).toBe(true);
				expect(texts((await storage.loadDocument(b)).updates)).toEqual(['b1', 'b2', 'b3']);
				expect(loadedA.lastSeq).toBe(await storage.lastSeq(a));
				expect(loadedA.checkpoint).toBeNull();
				expect(loadedA.checkpointSeq).toBe(0);
				// One sequence for all documents: a's last entry came after b's second.
				expect(await storage.lastSeq(a)).toBeGreaterThan(await storage.lastSeq(b));
			});

			it('numbers entries increasingly and counts those after a sequence number', async () => {
				const doc = docName('count');
				const seqs: number[] = [];
				for (let i = 0; i < 5; i++) {
					await storage.appendUpdates([entry(doc, `u${i}`), entry(docName('noise'), 'x')]);
					seqs.push(await storage.lastSeq(doc));
				}
				expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
				expect(await storage.countUpdatesSince(doc, 0)).toBe(5);
				expect(await Promise.all(seqs.map((s) => storage.countUpdatesSince(doc, s)))).toEqual([4, 3, 2, 1, 0]);
			});

			it('racing appends keep both batches, each in its order', async () => {
				const doc = docName('race');
				const other = docName('race-other');
				const batch = (label: string) => Array.from({ length: 25 }, (_, i) => entry(i % 5 === 4 ? other : doc, `${label}${i}`));
				const [x, y] = [batch('x'), batch('y')];
				await Promise.all([storage.appendUpdates(x), storage.appendUpdates(y)]);
				const only = (b: LoggedUpdate[], d: string) => texts(b.filter((u) => u.doc === d).map((u) => u.update));
				const got = texts((await storage.loadDocument(doc)).updates);
				expect([[...only(x, doc), ...only(y, doc)], [...only(y, doc), ...only(x, doc)]]).toContainEqual(got);
				expect(texts((await storage.loadDocument(other)).updates).sort()).toEqual([...only(x, other), ...only(y, other)].sort());
			});

			it('a reader never sees an entry before the entries numbered below it (what checkpoints rely on)', async () => {
				const doc = docName('visibility');
				const seen: string[][] = [];
				let written = 0;
				// Rounds of racing writers, watched by a few readers: an order violation is a race, so give it chances.
				for (let round = 0; round < 4; round++) {
					let writing = true;
					const readers = [1, 2, 3].map(async () => {
						while (writing) seen.push(texts((await storage.loadDocument(doc)).updates));
					});
					await Promise.all(
						Array.from({ length: 40 }, (_, i) => storage.appendUpdates([entry(docName('noise'), 'n'), entry(doc, `w${written + i}`)]))
					);
					written += 40;
					writing = false;
					await Promise.all(readers);
				}
				const final = texts((await storage.loadDocument(doc)).updates);
				expect(final.slice().sort()).toEqual(Array.from({ length: written }, (_, i) => `w${i}`).sort());
				// Every read was a prefix of the final log: nothing appeared behind what had already been seen.
				for (const view of seen) expect(final.slice(0, view.length)).toEqual(view);
			});
		});

		describe('checkpoints', () => {
			it('loads the newest checkpoint plus the log after it; rewriting a checkpoint is harmless', async () => {
				const doc = docName('cp');
				const other = docName('cp-other');
				const seqs: number[] = [];
				for (const t of ['u1', 'u2', 'u3']) {
					await storage.appendUpdates([entry(doc, t), entry(other, `o-${t}`)]);
					seqs.push(await storage.lastSeq(doc));
				}
				await storage.writeCheckpoint(doc, seqs[1], enc.encode('state@2'));
				expect(await storage.loadDocument(doc)).toEqual({
					checkpoint: enc.encode('state@2'),
					checkpointSeq: seqs[1],
					updates: [enc.encode('u3')],
					lastSeq: seqs[2]
				});
				// An older checkpoint written late does not win.
				await storage.writeCheckpoint(doc, seqs[0], enc.encode('state@1'));
				expect((await storage.loadDocument(doc)).checkpointSeq).toBe(seqs[1]);

				await storage.writeCheckpoint(doc, seqs[2], enc.encode('state@3'));
				// The same sequence number again (a second compaction of the same log): no error, one checkpoint.
				await Promise.all([
					storage.writeCheckpoint(doc, seqs[2], enc.encode('state@3')),
					storage.writeCheckpoint(doc, seqs[2], enc.encode('state@3'))
				]);
				expect(await storage.loadDocument(doc)).toEqual({
					checkpoint: enc.encode('state@3'),
					checkpointSeq: seqs[2],
					updates: [],
					lastSeq: seqs[2]
				});
				// Checkpoints do not shorten the log; other documents are untouched.
				expect(await storage.countUpdatesSince(doc, 0)).toBe(3);
				expect(await storage.lastSeq(doc)).toBe(seqs[2]);
				expect(await storage.loadDocument(other)).toMatchObject({ checkpoint: null, updates: ['o-u1', 'o-u2', 'o-u3'].map((t) => enc.encode(t)) });

				// The quota's measure: the newest checkpoint and the log after it; the whole log besides.
				expect(await storage.documentSize(doc)).toEqual({ checkpointBytes: 7, logBytesSinceCheckpoint: 0, logBytes: 6 });
				expect(await storage.documentSize(docName('none'))).toEqual({ checkpointBytes: 0, logBytesSinceCheckpoint: 0, logBytes: 0 });

				await storage.appendUpdates([entry(doc, 'u4')]);
				expect(await storage.documentSize(doc)).toEqual({ checkpointBytes: 7, logBytesSinceCheckpoint: 2, logBytes: 8 });
				expect(await storage.documentSize(other)).toEqual({ checkpointBytes: 0, logBytesSinceCheckpoint: 12, logBytes: 12 });
				const after = await storage.loadDocument(doc);
				expect(texts(after.updates)).toEqual(['u4']);
				expect(after.lastSeq).toBe(await storage.lastSeq(doc));
			});

			it('a checkpoint without a log (sequence 0) loads, with the entries after it', async () => {
				const doc = docName('cp0');
				await storage.writeCheckpoint(doc, 0, enc.encode('initial'));
				expect(await storage.loadDocument(doc)).toEqual({ checkpoint: enc.encode('initial'), checkpointSeq: 0, updates: [], lastSeq: 0 });
				await storage.appendUpdates([entry(doc, 'next')]);
				expect(texts((await storage.loadDocument(doc)).updates)).toEqual(['next']);
			});
		});

		describe('the timeline', () => {
			it('lists the log of several documents without bytes, in order, and rebuilds a document at any sequence number', async () => {
				const [a, b, other] = [docName('tl-a'), docName('tl-b'), docName('tl-other')];
				const member = randomId(16);
				await storage.appendUpdates([entry(a, 'a1', member, T0 + 1), entry(other, 'x'), entry(b, 'b1', null, T0 + 2)]);
				await storage.appendUpdates([entry(a, 'a2', member, T0 + 3)]);
				const seqA2 = await storage.lastSeq(a);
				await storage.writeCheckpoint(a, seqA2, enc.encode('A@2'));
				await storage.appendUpdates([entry(a, 'a3', null, T0 + 4), entry(b, 'b2', member, T0 + 5)]);

				const all = await storage.historyOf([a, b]);
				expect(all.map((e) => [e.doc, e.at, e.memberId])).toEqual([
					[a, T0 + 1, member],
					[b, T0 + 2, null],
					[a, T0 + 3, member],
					[a, T0 + 4, null],
					[b, T0 + 5, member]
				]);
				expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((x, y) => x - y));
				expect(all.some((e) => e.doc === other)).toBe(false);
				expect((await storage.historyOf([a, b], { after: all[1].seq, upTo: all[3].seq })).map((e) => e.seq)).toEqual([all[2].seq, all[3].seq]);
				expect(await storage.historyOf([])).toEqual([]);

				// Before the checkpoint: the log from the start; at or after it: the checkpoint and what follows.
				const early = await storage.stateAt(a, all[0].seq);
				expect(early.checkpoint).toBeNull();
				expect(texts(early.updates.map((u) => u.data))).toEqual(['a1']);
				const atCheckpoint = await storage.stateAt(a, seqA2);
				expect(atCheckpoint).toMatchObject({ checkpoint: enc.encode('A@2'), checkpointSeq: seqA2, updates: [] });
				const late = await storage.stateAt(a, all[4].seq);
				expect(late.checkpoint).toEqual(enc.encode('A@2'));
				expect(texts(late.updates.map((u) => u.data))).toEqual(['a3']);
				expect(late.updates[0].seq).toBe(all[3].seq);

				const between = await storage.updatesBetween([a, b], all[0].seq, all[4].seq);
				expect(between.map((u) => [u.doc, new TextDecoder().decode(u.data), u.memberId])).toEqual([
					[b, 'b1', null],
					[a, 'a2', member],
					[a, 'a3', null],
					[b, 'b2', member]
				]);
				expect(await storage.headSeq()).toBeGreaterThanOrEqual(all[4].seq);
			});

			it('gives a document version that changes with its content, also across an erasure', async () => {
				const doc = docName('version');
				expect(await storage.versionAt(doc, 1e9)).toEqual({ seq: 0, count: 0 });
				await storage.appendUpdates([entry(doc, 'v1')]);
				const s1 = await storage.lastSeq(doc);
				await storage.appendUpdates([entry(docName('noise'), 'x')]);
				await storage.appendUpdates([entry(doc, 'v2')]);
				const s2 = await storage.lastSeq(doc);
				expect(await storage.versionAt(doc, s1)).toEqual({ seq: s1, count: 1 });
				expect(await storage.versionAt(doc, s2 - 1)).toEqual({ seq: s1, count: 1 });
				expect(await storage.versionAt(doc, s2)).toEqual({ seq: s2, count: 2 });
				await storage.writeCheckpoint(doc, s2, enc.encode('state'));
				expect(await storage.versionAt(doc, s2)).toEqual({ seq: s2, count: 2 });
				await storage.eraseHistory([{ doc, state: enc.encode('erased') }]);
				expect(await storage.versionAt(doc, s2)).toEqual({ seq: s2, count: 0 });
				expect(await storage.versionAt(doc, s1)).toEqual({ seq: 0, count: 0 });
			});

			it('remembers how far a member has seen each board, never going back', async () => {
				const { practice } = await givenPractice();
				const { member } = await givenMember(practice.id, 'participant');
				const { member: other } = await givenMember(practice.id, 'participant');
				expect(await storage.visits(member.id)).toEqual(new Map());
				await storage.markVisit(member.id, 'intentie', 10, T0);
				await storage.markVisit(member.id, 'doelen', 5, T0);
				await storage.markVisit(member.id, 'intentie', 7, T0 + 1);
				await storage.markVisit(other.id, 'intentie', 99, T0);
				expect(await storage.visits(member.id)).toEqual(new Map([['intentie', 10], ['doelen', 5]]));
				await storage.markVisit(member.id, 'intentie', 12, T0 + 2);
				expect((await storage.visits(member.id)).get('intentie')).toBe(12);
				await storage.forgetMember(member.id);
				expect(await storage.visits(member.id)).toEqual(new Map());
				expect((await storage.visits(other.id)).get('intentie')).toBe(99);
			});

			it('keeps meetings and marks per practice, and forgets who made a mark when they leave', async () => {
				const { practice } = await givenPractice();
				const { practice: elsewhere } = await givenPractice();
				const { member } = await givenMember(practice.id, 'facilitator');
				await storage.createMeeting({ id: randomId(12), practiceId: elsewhere.id, title: 'Elders', date: '2026-01-01', agenda: [], startedAt: T0, endedAt: null });
				const meeting = { id: randomId(12), practiceId: practice.id, title: 'Bijeenkomst 1', date: '2026-11-22', agenda: ['intentie', 'doelen'], startedAt: T0 + 10, endedAt: null };
				await storage.createMeeting(meeting);
				await storage.endMeeting(meeting.id, T0 + 20);
				await storage.endMeeting(meeting.id, T0 + 99);
				expect(await storage.getMeeting(meeting.id)).toEqual({ ...meeting, endedAt: T0 + 20 });
				expect(await storage.listMeetings(practice.id)).toEqual([{ ...meeting, endedAt: T0 + 20 }]);
				expect(await storage.getMeeting('nope')).toBeNull();

				const mark = (seq: number, boardId: string | null, kind: MarkRecord['kind'] = 'snapshot') => ({
					id: randomId(12),
					practiceId: practice.id,
					boardId,
					kind,
					name: `mark ${seq}`,
					seq,
					at: T0 + seq,
					meetingId: kind === 'meeting-end' ? meeting.id : null,
					createdBy: member.id
				});
				const marks = [mark(30, 'intentie', 'restore'), mark(10, null, 'meeting-end'), mark(20, 'doelen')];
				for (const m of marks) await storage.addMark(m);
				expect((await storage.listMarks(practice.id)).map((m) => m.seq)).toEqual([10, 20, 30]);
				expect(await storage.listMarks(practice.id, 'intentie')).toEqual([marks[1], marks[0]]);
				expect(await storage.listMarks(elsewhere.id)).toEqual([]);

				await storage.forgetMember(member.id);
				expect((await storage.listMarks(practice.id)).map((m) => m.createdBy)).toEqual([null, null, null]);
			});
		});

		describe('erasure', () => {
			it('replaces a document’s log and checkpoints by one checkpoint of its state; other documents keep theirs', async () => {
				const [a, b, kept, never] = [docName('erase-a'), docName('erase-b'), docName('erase-kept'), docName('erase-never')];
				await storage.appendUpdates([entry(a, 'a1'), entry(b, 'b1'), entry(kept, 'k1'), entry(a, 'a2')]);
				await storage.writeCheckpoint(a, await storage.lastSeq(a), enc.encode('a-state-old'));
				await storage.writeCheckpoint(kept, await storage.lastSeq(kept), enc.encode('k-state'));
				await storage.appendUpdates([entry(a, 'a3'), entry(kept, 'k2')]);
				const lastA = await storage.lastSeq(a);
				const lastB = await storage.lastSeq(b);
				const keptBefore = await storage.loadDocument(kept);

				await storage.eraseHistory([
					{ doc: a, state: enc.encode('A now') },
					{ doc: b, state: enc.encode('B now') },
					{ doc: never, state: enc.encode('never logged') }
				]);
				expect(await storage.loadDocument(a)).toEqual({ checkpoint: enc.encode('A now'), checkpointSeq: lastA, updates: [], lastSeq: lastA });
				expect(await storage.loadDocument(b)).toEqual({ checkpoint: enc.encode('B now'), checkpointSeq: lastB, updates: [], lastSeq: lastB });
				expect(await storage.loadDocument(never)).toEqual({ checkpoint: enc.encode('never logged'), checkpointSeq: 0, updates: [], lastSeq: 0 });
				expect(await storage.countUpdatesSince(a, 0)).toBe(0);
				expect(await storage.loadDocument(kept)).toEqual(keptBefore);
				expect(await storage.countUpdatesSince(kept, 0)).toBe(2);

				// Life goes on after erasure: new entries load on top of the erased state.
				await storage.appendUpdates([entry(a, 'a4')]);
				const after = await storage.loadDocument(a);
				expect(after.checkpoint).toEqual(enc.encode('A now'));
				expect(texts(after.updates)).toEqual(['a4']);
				expect(after.lastSeq).toBeGreaterThan(lastA);
			});

			it('leaves nothing erased in the store’s files', async () => {
				const { practice } = await givenPractice();
				const secretName = `Naam-${randomId(20)}`;
				const secretText = `Geheim-${randomId(24)}`;
				const keptText = `Blijft-${randomId(24)}`;
				const leaving = await givenMember(practice.id, 'participant', { name: secretName });
				const [priv, shared] = [docName('erase-private'), docName('erase-shared')];
				await storage.appendUpdates([
					entry(priv, `${secretText} 1`, leaving.member.id),
					entry(shared, keptText, null),
					entry(priv, `${secretText} 2`, leaving.member.id)
				]);
				await storage.writeCheckpoint(priv, await storage.lastSeq(priv), enc.encode(`checkpoint ${secretText}`));
				const before = await inspect.onDisk(enc.encode(secretText));
				if (before === null) return expect.fail(`${name}: the test cannot read the store's files (PostgreSQL: needs a superuser)`);
				expect(before).toBe(true);
				expect(await inspect.onDisk(enc.encode(secretName))).toBe(true);

				// What leaving does: forget the member, then erase their documents' history.
				await storage.forgetMember(leaving.member.id);
				await storage.eraseHistory([{ doc: priv, state: enc.encode('empty') }]);
				expect(await inspect.onDisk(enc.encode(secretText))).toBe(false);
				expect(await inspect.onDisk(enc.encode(secretName))).toBe(false);
				expect(await inspect.onDisk(enc.encode(keptText))).toBe(true);
				expect(texts((await storage.loadDocument(shared)).updates)).toEqual([keptText]);
			});
		});

		describe('a Yjs document through the log', () => {
			it.each([1, 2024])('random edits by two clients, batched and checkpointed, reload to the same document (seed %i)', async (seed) => {
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
						await storage.appendUpdates(batch);
					}
					if (step % 97 === 96) {
						await storage.appendUpdates(pending.splice(0));
						await storage.writeCheckpoint(doc, await storage.lastSeq(doc), Y.encodeStateAsUpdateV2(server));
						checkpoints++;
					}
				}
				await storage.appendUpdates(pending.splice(0));
				expect(checkpoints).toBe(3);

				const stored = await storage.loadDocument(doc);
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
			});
		});

		describe('opening again', () => {
			it('a second handle on the same store sees everything and migrates nothing twice', async () => {
				const { practice } = await givenPractice();
				const doc = docName('reopen');
				await storage.appendUpdates([entry(doc, 'before restart')]);
				const again = await makeStorage();
				try {
					expect(await again.getPractice(practice.id)).toEqual(practice);
					expect(texts((await again.loadDocument(doc)).updates)).toEqual(['before restart']);
					await again.appendUpdates([entry(doc, 'after restart')]);
				} finally {
					await again.close();
				}
				expect(texts((await storage.loadDocument(doc)).updates)).toEqual(['before restart', 'after restart']);
			});
		});
	});
}

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

// ——— the adapters ———

const sqliteDir = tempDir('zwerm-contract-');
const sqliteFile = join(sqliteDir, 'zwerm.db');

storageContract(
	'SQLite',
	async () => new SqliteStorage(sqliteFile),
	async () => removeDir(sqliteDir),
	{
		async authors(doc) {
			const db = new DatabaseSync(sqliteFile, { readOnly: true });
			try {
				return (db.prepare('SELECT member_id FROM updates WHERE doc = ? ORDER BY seq').all(doc) as { member_id: string | null }[]).map(
					(r) => r.member_id
				);
			} finally {
				db.close();
			}
		},
		async onDisk(needle) {
			return [sqliteFile, `${sqliteFile}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(needle)));
		}
	}
);

describe.skipIf(!postgresAvailable)('PostgreSQL', () => {
	let database: Promise<TestDatabase> | null = null;
	const db = () => (database ??= createTestDatabase());
	const drop = async () => {
		if (database) await (await database).drop();
	};
	// Also when the contract suite itself is filtered out (its own cleanup then never runs).
	afterAll(drop);

	it('migrates a new database once, also when several instances start at the same moment', async () => {
		const { url, query } = await db();
		const stores = await Promise.all([1, 2, 3].map(() => PostgresStorage.open(url)));
		await Promise.all(stores.map((s) => s.close()));
		expect((await query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version)).toEqual([1, 2, 3, 4]);
		const tables = await query<{ table_name: string }>(
			"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
		);
		expect(tables.map((t) => t.table_name)).toEqual([
			'anonymous_notes',
			'checkpoints',
			'device_codes',
			'device_sessions',
			'invites',
			'marks',
			'meetings',
			'members',
			'practices',
			'rounds',
			'schema_migrations',
			'updates',
			'visits'
		]);
	});

	it('survives its connections being cut, idle or in a transaction: the write fails, the next one works', async () => {
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
			await store.appendUpdates([entry(doc, 'before')]);
			await cut();
			await store.appendUpdates([entry(doc, 'after an idle cut')]);
			const outcomes: string[] = [];
			for (const delay of [0, 3, 10]) {
				const bulk = Array.from({ length: 5000 }, (_, i) => entry(doc, `bulk ${delay} ${i}`));
				const writing = store.appendUpdates(bulk).then(
					() => 'stored',
					() => 'failed'
				);
				const cutting = pause(delay).then(cut);
				outcomes.push(await writing);
				await cutting;
			}
			expect(outcomes).toContain('failed');
			await store.appendUpdates([entry(doc, 'after')]);
			const stored = texts((await store.loadDocument(doc)).updates);
			expect(stored.slice(0, 2)).toEqual(['before', 'after an idle cut']);
			expect(stored.at(-1)).toBe('after');
			// A batch is all or nothing.
			expect(stored.length).toBe(3 + 5000 * outcomes.filter((o) => o === 'stored').length);
		} finally {
			await store.close();
		}
	});

	it('an erasure waiting for its tables (say, behind a backup) does not hold the log up meanwhile', async () => {
		const { url } = await db();
		const store = await PostgresStorage.open(url);
		const reader = new Client({ connectionString: url });
		await reader.connect();
		try {
			const doc = docName('blocked');
			await store.appendUpdates([entry(doc, 'old')]);
			// A long read of the log: VACUUM FULL must wait for it to end.
			await reader.query('BEGIN');
			await reader.query('SELECT COUNT(*) FROM updates');
			let erased = false;
			const erasing = store.eraseHistory([{ doc, state: enc.encode('now') }]).then(() => (erased = true));
			await new Promise((resolve) => setTimeout(resolve, 300));
			await store.appendUpdates([entry(doc, 'meanwhile')]);
			expect(erased).toBe(false);
			await new Promise((resolve) => setTimeout(resolve, 500));
			await reader.query('COMMIT');
			await erasing;
			expect(await store.loadDocument(doc)).toMatchObject({ checkpoint: enc.encode('now'), updates: [enc.encode('meanwhile')] });
		} finally {
			await reader.end();
			await store.close();
		}
	});

	storageContract(
		'PostgreSQL',
		async () => PostgresStorage.open((await db()).url),
		drop,
		{
			async authors(doc) {
				const rows = await (await db()).query<{ member_id: string | null }>('SELECT member_id FROM updates WHERE doc = $1 ORDER BY seq', [doc]);
				return rows.map((r) => r.member_id);
			},
			async onDisk(needle) {
				return onDisk(await db(), needle);
			}
		}
	);
});
