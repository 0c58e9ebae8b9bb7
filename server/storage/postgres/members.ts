import type { PoolClient } from 'pg';
import type {
	DeviceCodeRecords,
	InviteHashes,
	MemberRecords,
	PracticeRecords,
	StoredDeviceCode,
	StoredMember,
	StoredPractice
} from '../records.ts';
import { toInvite, toMember, toPractice, type Row } from '../rows.ts';
import type { Connections } from './pool.ts';

// Ids sort by byte (`COLLATE "C"`), as in SQLite, whatever the database's collation.

export class PostgresPractices implements PracticeRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async create(p: StoredPractice, inviteHashes: InviteHashes): Promise<void> {
		await this.db.transaction(async (c) => {
			await c.query(
				`INSERT INTO practices (id, name, framework, created_at, participant_invite, observer_invite, default_visibility)
				 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				[p.id, p.name, p.framework, p.createdAt, p.participantInvite, p.observerInvite, p.defaultVisibility]
			);
			await insertInvites(c, p.id, inviteHashes);
		});
	}

	async get(id: string): Promise<StoredPractice | null> {
		const [row] = await this.db.query('SELECT * FROM practices WHERE id = $1', [id]);
		return row ? toPractice(row) : null;
	}

	async findInvite(tokenHash: string) {
		const [row] = await this.db.query("SELECT practice_id, role FROM invites WHERE token_hash = $1 AND role != 'short'", [tokenHash]);
		return toInvite(row);
	}

	async renewInvites(practiceId: string, tokens: InviteHashes, hashes: InviteHashes): Promise<void> {
		await this.db.transaction(async (c) => {
			await c.query('DELETE FROM invites WHERE practice_id = $1', [practiceId]);
			await c.query('UPDATE practices SET participant_invite = $1, observer_invite = $2 WHERE id = $3', [
				tokens.participant,
				tokens.observer,
				practiceId
			]);
			await insertInvites(c, practiceId, hashes);
		});
	}

	async addShortCode(practiceId: string, codeHash: string): Promise<void> {
		await this.db.query("INSERT INTO invites (token_hash, practice_id, role) VALUES ($1, $2, 'short') ON CONFLICT (token_hash) DO NOTHING", [codeHash, practiceId]);
	}

	async findShortCode(codeHash: string): Promise<string | null> {
		const [row] = await this.db.query("SELECT practice_id FROM invites WHERE token_hash = $1 AND role = 'short'", [codeHash]);
		return row ? (row.practice_id as string) : null;
	}

	async setDefaultVisibility(practiceId: string, visibility: string): Promise<void> {
		await this.db.query('UPDATE practices SET default_visibility = $1 WHERE id = $2', [visibility, practiceId]);
	}

	async setFramework(practiceId: string, framework: string): Promise<void> {
		await this.db.query('UPDATE practices SET framework = $1 WHERE id = $2', [framework, practiceId]);
	}
}

async function insertInvites(c: PoolClient, practiceId: string, hashes: InviteHashes): Promise<void> {
	await c.query(`INSERT INTO invites (token_hash, practice_id, role) VALUES ($1, $3, 'participant'), ($2, $3, 'observer')`, [
		hashes.participant,
		hashes.observer,
		practiceId
	]);
}

export class PostgresMembers implements MemberRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async add(member: StoredMember, sessionHash: string): Promise<void> {
		await this.db.query(
			`INSERT INTO members (id, practice_id, name, role, session_hash, created_at, had_lane)
			 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			[member.id, member.practiceId, member.name, member.role, sessionHash, member.createdAt, member.role !== 'observer']
		);
	}

	async findSession(sessionHash: string): Promise<StoredMember | null> {
		const [row] = await this.db.query(
			`SELECT * FROM members WHERE session_hash = $1 AND removed_at IS NULL
			 UNION ALL SELECT m.* FROM device_sessions s JOIN members m ON m.id = s.member_id
			 WHERE s.session_hash = $1 AND m.removed_at IS NULL LIMIT 1`,
			[sessionHash]
		);
		return toMember(row);
	}

	async get(id: string): Promise<StoredMember | null> {
		const [row] = await this.db.query('SELECT * FROM members WHERE id = $1', [id]);
		return toMember(row);
	}

	async list(practiceId: string): Promise<StoredMember[]> {
		const rows = await this.db.query(
			'SELECT * FROM members WHERE practice_id = $1 AND removed_at IS NULL ORDER BY created_at, id COLLATE "C"',
			[practiceId]
		);
		return rows.map((r) => toMember(r)!);
	}

	async update(id: string, change: { name?: string; role?: string }): Promise<void> {
		if (change.name === undefined && change.role === undefined) return;
		await this.db.query(
			`UPDATE members SET
				name = COALESCE($2::text, name),
				role = COALESCE($3::text, role),
				had_lane = had_lane OR COALESCE($3::text <> 'observer', FALSE)
			 WHERE id = $1`,
			[id, change.name ?? null, change.role ?? null]
		);
	}

	async remove(id: string, at: number): Promise<void> {
		await this.db.transaction(async (c) => {
			await c.query('UPDATE members SET removed_at = $1 WHERE id = $2', [at, id]);
			await c.query('DELETE FROM device_codes WHERE member_id = $1', [id]);
			await c.query('DELETE FROM device_sessions WHERE member_id = $1', [id]);
		});
	}

	async forget(id: string): Promise<void> {
		await this.db.transaction(async (c) => {
			await c.query("UPDATE members SET name = '', had_lane = FALSE WHERE id = $1", [id]);
			await c.query('UPDATE marks SET created_by = NULL WHERE created_by = $1', [id]);
			await c.query('DELETE FROM visits WHERE member_id = $1', [id]);
			await c.query('DELETE FROM vote_dots WHERE member_id = $1', [id]);
		});
		// The old row version with the name stays in the table file until it is rewritten (it is small),
		// and so do the links from their anonymous notes to their private sources (unlinked before this).
		await this.db.rewrite('members, anonymous_notes, vote_dots');
	}
}

export class PostgresDeviceCodes implements DeviceCodeRecords {
	private readonly db: Connections;

	constructor(db: Connections) {
		this.db = db;
	}

	async save(code: StoredDeviceCode): Promise<void> {
		await this.db.transaction(async (c) => {
			await c.query('DELETE FROM device_codes WHERE expires_at <= $1 OR member_id = $2', [code.createdAt, code.memberId]);
			await c.query('INSERT INTO device_codes (code_hash, member_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
				code.codeHash,
				code.memberId,
				code.createdAt,
				code.expiresAt
			]);
		});
	}

	async find(codeHash: string, now: number) {
		const [row] = await this.db.query(
			`SELECT m.*, c.expires_at AS code_expires_at FROM device_codes c JOIN members m ON m.id = c.member_id
			 WHERE c.code_hash = $1 AND c.expires_at > $2 AND m.removed_at IS NULL`,
			[codeHash, now]
		);
		return row ? { member: toMember(row)!, expiresAt: Number(row.code_expires_at) } : null;
	}

	async redeem(codeHash: string, now: number, sessionHash: string): Promise<StoredMember | null> {
		// DELETE … RETURNING takes the row lock: a concurrent redemption waits, then finds the row gone.
		return this.db.transaction(async (c) => {
			const [row] = (
				await c.query(
					`DELETE FROM device_codes c USING members m
					 WHERE c.code_hash = $1 AND c.expires_at > $2 AND m.id = c.member_id AND m.removed_at IS NULL
					 RETURNING m.*`,
					[codeHash, now]
				)
			).rows as Row[];
			if (!row) return null;
			await c.query('INSERT INTO device_sessions (session_hash, member_id, created_at) VALUES ($1, $2, $3)', [sessionHash, row.id, now]);
			return toMember(row);
		});
	}

	async revoke(memberId: string): Promise<void> {
		await this.db.query('DELETE FROM device_codes WHERE member_id = $1', [memberId]);
	}
}
