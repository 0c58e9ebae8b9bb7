/**
 * What the two storage contract suites (tests/integration/storage-log.contract.test.ts
 * and storage-records.contract.test.ts) share: the adapters they run against
 * (SQLite in a temporary directory, PostgreSQL in a throwaway database), a
 * small per-adapter inspector for what the interface cannot show, and record
 * builders. Each `it` names the rules of docs/SPEC.md it checks;
 * tests/unit/storage-spec.test.ts fails when a rule is cited by no test.
 */
import { afterAll, describe } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggedUpdate, Storage, StoredMember, StoredPractice } from '#server/storage/types.ts';
import { SqliteStorage } from '#server/storage/sqlite.ts';
import { PostgresStorage } from '#server/storage/postgres.ts';
import { randomId } from '#lib/domain/ids.ts';
import { DEFAULT_FRAMEWORK_ID, getBuiltinFramework } from '#lib/domain/frameworks.ts';
import { removeDir, tempDir } from './server.ts';
import { createTestDatabase, onDisk, postgresAvailable, type TestDatabase } from './postgres.ts';

export interface StoreInspector {
	/** The member each of a document's log entries is attributed to, in log order. */
	authors(doc: string): Promise<(string | null)[]>;
	/** Whether the bytes occur anywhere in the store's files; null when that cannot be checked here. */
	onDisk(needle: Uint8Array): Promise<boolean | null>;
}

export interface Adapter {
	readonly name: string;
	/** A handle on the suite's store; called again, it is a restart on the same data. */
	open(): Promise<Storage>;
	readonly inspect: StoreInspector;
}

/**
 * Defines `suite` twice: against SQLite and (unless switched off) against
 * PostgreSQL, each on a store of its own that is removed afterwards.
 */
export function againstEachAdapter(label: string, suite: (adapter: Adapter) => void): void {
	describe(`${label}: SQLite`, () => {
		const dir = tempDir('zwerm-contract-');
		const file = join(dir, 'zwerm.db');
		afterAll(() => removeDir(dir));
		suite({
			name: 'SQLite',
			open: async () => new SqliteStorage(file),
			inspect: {
				async authors(doc) {
					const db = new DatabaseSync(file, { readOnly: true });
					try {
						const rows = db.prepare('SELECT member_id FROM updates WHERE doc = ? ORDER BY seq').all(doc) as { member_id: string | null }[];
						return rows.map((r) => r.member_id);
					} finally {
						db.close();
					}
				},
				async onDisk(needle) {
					return [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(needle)));
				}
			}
		});
	});

	describe.skipIf(!postgresAvailable)(`${label}: PostgreSQL`, () => {
		const db = lazyTestDatabase();
		afterAll(db.drop);
		suite({
			name: 'PostgreSQL',
			open: async () => PostgresStorage.open((await db()).url),
			inspect: {
				async authors(doc) {
					const rows = await (await db()).query<{ member_id: string | null }>('SELECT member_id FROM updates WHERE doc = $1 ORDER BY seq', [doc]);
					return rows.map((r) => r.member_id);
				},
				async onDisk(needle) {
					return onDisk(await db(), needle);
				}
			}
		});
	});
}

/** A test database made on first use; `drop` removes it if it was made. */
export function lazyTestDatabase(): (() => Promise<TestDatabase>) & { drop: () => Promise<void> } {
	let database: Promise<TestDatabase> | null = null;
	const get = () => (database ??= createTestDatabase());
	return Object.assign(get, {
		drop: async () => {
			if (database) await (await database).drop();
		}
	});
}

export const enc = new TextEncoder();
export const T0 = 1_760_000_000_000;
export const texts = (updates: readonly Uint8Array[]) => updates.map((u) => new TextDecoder().decode(u));
export const docName = (label: string) => `contract/${label}/${randomId(12)}`;
export const inviteHashes = () => ({ participant: randomId(43), observer: randomId(43) });

export const entry = (doc: string, text: string | Uint8Array, memberId: string | null = null, at = T0): LoggedUpdate => ({
	doc,
	update: typeof text === 'string' ? enc.encode(text) : text,
	at,
	memberId
});

export function practiceRecord(overrides: Partial<StoredPractice> = {}): StoredPractice {
	return {
		id: randomId(16),
		name: 'Lerende praktijk 🐝 ëën',
		framework: JSON.stringify(getBuiltinFramework(DEFAULT_FRAMEWORK_ID)),
		createdAt: T0,
		participantInvite: randomId(32),
		observerInvite: randomId(32),
		defaultVisibility: 'shared',
		...overrides
	};
}

export function memberRecord(practiceId: string, role: string, overrides: Partial<StoredMember> = {}): StoredMember {
	return {
		id: randomId(16),
		practiceId,
		name: `Lid ${randomId(4)}`,
		role,
		createdAt: T0 + 1000,
		removedAt: null,
		hadLane: role !== 'observer',
		...overrides
	};
}

/** A practice in the store, with its invite hashes. */
export async function givenPractice(storage: Storage, overrides: Partial<StoredPractice> = {}) {
	const practice = practiceRecord(overrides);
	const invites = inviteHashes();
	await storage.records.practices.create(practice, invites);
	return { practice, invites };
}

/** A member in the store, with their session hash. */
export async function givenMember(storage: Storage, practiceId: string, role: string, overrides: Partial<StoredMember> = {}) {
	const member = memberRecord(practiceId, role, overrides);
	const session = randomId(43);
	await storage.records.members.add(member, session);
	return { member, session };
}
