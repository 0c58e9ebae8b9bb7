import type { DatabaseSync, StatementSync } from 'node:sqlite';
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
import { prepare, transaction } from './schema.ts';

export class SqlitePractices implements PracticeRecords {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		this.stmt = prepare(db, {
			insert: `INSERT INTO practices (id, name, framework, created_at, participant_invite, observer_invite, default_visibility)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
			insertInvite: 'INSERT INTO invites (token_hash, practice_id, role) VALUES (?, ?, ?)',
			get: 'SELECT * FROM practices WHERE id = ?',
			findInvite: "SELECT practice_id, role FROM invites WHERE token_hash = ? AND role != 'short'",
			addShortCode: "INSERT INTO invites (token_hash, practice_id, role) VALUES (?, ?, 'short') ON CONFLICT (token_hash) DO NOTHING",
			findShortCode: "SELECT practice_id FROM invites WHERE token_hash = ? AND role = 'short'",
			setInvites: 'UPDATE practices SET participant_invite = ?, observer_invite = ? WHERE id = ?',
			deleteInvites: 'DELETE FROM invites WHERE practice_id = ?',
			setDefaultVisibility: 'UPDATE practices SET default_visibility = ? WHERE id = ?',
			setFramework: 'UPDATE practices SET framework = ? WHERE id = ?'
		});
	}

	async create(p: StoredPractice, inviteHashes: InviteHashes): Promise<void> {
		transaction(this.db, () => {
			this.stmt.insert.run(p.id, p.name, p.framework, p.createdAt, p.participantInvite, p.observerInvite, p.defaultVisibility);
			this.stmt.insertInvite.run(inviteHashes.participant, p.id, 'participant');
			this.stmt.insertInvite.run(inviteHashes.observer, p.id, 'observer');
		});
	}

	async get(id: string): Promise<StoredPractice | null> {
		const row = this.stmt.get.get(id) as Row | undefined;
		return row ? toPractice(row) : null;
	}

	async findInvite(tokenHash: string) {
		return toInvite(this.stmt.findInvite.get(tokenHash) as Row | undefined);
	}

	async renewInvites(practiceId: string, tokens: InviteHashes, hashes: InviteHashes): Promise<void> {
		transaction(this.db, () => {
			this.stmt.deleteInvites.run(practiceId);
			this.stmt.setInvites.run(tokens.participant, tokens.observer, practiceId);
			this.stmt.insertInvite.run(hashes.participant, practiceId, 'participant');
			this.stmt.insertInvite.run(hashes.observer, practiceId, 'observer');
		});
	}

	async addShortCode(practiceId: string, codeHash: string): Promise<void> {
		this.stmt.addShortCode.run(codeHash, practiceId);
	}

	async findShortCode(codeHash: string): Promise<string | null> {
		const row = this.stmt.findShortCode.get(codeHash) as Row | undefined;
		return row ? (row.practice_id as string) : null;
	}

	async setDefaultVisibility(practiceId: string, visibility: string): Promise<void> {
		this.stmt.setDefaultVisibility.run(visibility, practiceId);
	}

	async setFramework(practiceId: string, framework: string): Promise<void> {
		this.stmt.setFramework.run(framework, practiceId);
	}
}

export class SqliteMembers implements MemberRecords {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		this.stmt = prepare(db, {
			insert: `INSERT INTO members (id, practice_id, name, role, session_hash, created_at, had_lane)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
			findSession: `SELECT * FROM members WHERE session_hash = ?1 AND removed_at IS NULL
				UNION ALL SELECT m.* FROM device_sessions s JOIN members m ON m.id = s.member_id
				WHERE s.session_hash = ?1 AND m.removed_at IS NULL LIMIT 1`,
			get: 'SELECT * FROM members WHERE id = ?',
			list: 'SELECT * FROM members WHERE practice_id = ? AND removed_at IS NULL ORDER BY created_at, id',
			rename: 'UPDATE members SET name = ? WHERE id = ?',
			setRole: "UPDATE members SET role = ?1, had_lane = CASE WHEN ?1 != 'observer' THEN 1 ELSE had_lane END WHERE id = ?2",
			remove: 'UPDATE members SET removed_at = ? WHERE id = ?',
			dropCodes: 'DELETE FROM device_codes WHERE member_id = ?',
			dropSessions: 'DELETE FROM device_sessions WHERE member_id = ?',
			dropLane: 'UPDATE members SET had_lane = 0 WHERE id = ?',
			forgetMarkAuthor: 'UPDATE marks SET created_by = NULL WHERE created_by = ?',
			forgetVisits: 'DELETE FROM visits WHERE member_id = ?',
			forgetDots: 'DELETE FROM vote_dots WHERE member_id = ?'
		});
	}

	async add(member: StoredMember, sessionHash: string): Promise<void> {
		const lane = member.role === 'observer' ? 0 : 1;
		this.stmt.insert.run(member.id, member.practiceId, member.name, member.role, sessionHash, member.createdAt, lane);
	}

	async findSession(sessionHash: string): Promise<StoredMember | null> {
		return toMember(this.stmt.findSession.get(sessionHash) as Row | undefined);
	}

	async get(id: string): Promise<StoredMember | null> {
		return toMember(this.stmt.get.get(id) as Row | undefined);
	}

	async list(practiceId: string): Promise<StoredMember[]> {
		return (this.stmt.list.all(practiceId) as Row[]).map((r) => toMember(r)!);
	}

	async update(id: string, change: { name?: string; role?: string }): Promise<void> {
		transaction(this.db, () => {
			if (change.name !== undefined) this.stmt.rename.run(change.name, id);
			if (change.role !== undefined) this.stmt.setRole.run(change.role, id);
		});
	}

	async remove(id: string, at: number): Promise<void> {
		transaction(this.db, () => {
			this.stmt.remove.run(at, id);
			this.stmt.dropCodes.run(id);
			this.stmt.dropSessions.run(id);
		});
	}

	async forget(id: string): Promise<void> {
		transaction(this.db, () => {
			this.stmt.rename.run('', id);
			this.stmt.forgetMarkAuthor.run(id);
			this.stmt.forgetVisits.run(id);
			this.stmt.forgetDots.run(id);
			this.stmt.dropLane.run(id);
		});
	}
}

export class SqliteDeviceCodes implements DeviceCodeRecords {
	private readonly db: DatabaseSync;
	private readonly stmt: Record<string, StatementSync>;

	constructor(db: DatabaseSync) {
		this.db = db;
		this.stmt = prepare(db, {
			dropExpired: 'DELETE FROM device_codes WHERE expires_at <= ?',
			dropMember: 'DELETE FROM device_codes WHERE member_id = ?',
			insert: 'INSERT INTO device_codes (code_hash, member_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
			find: `SELECT m.*, c.expires_at AS code_expires_at FROM device_codes c JOIN members m ON m.id = c.member_id
				WHERE c.code_hash = ? AND c.expires_at > ? AND m.removed_at IS NULL`,
			delete: 'DELETE FROM device_codes WHERE code_hash = ?',
			insertSession: 'INSERT INTO device_sessions (session_hash, member_id, created_at) VALUES (?, ?, ?)'
		});
	}

	async save(code: StoredDeviceCode): Promise<void> {
		transaction(this.db, () => {
			this.stmt.dropExpired.run(code.createdAt);
			this.stmt.dropMember.run(code.memberId);
			this.stmt.insert.run(code.codeHash, code.memberId, code.createdAt, code.expiresAt);
		});
	}

	async find(codeHash: string, now: number) {
		const row = this.stmt.find.get(codeHash, now) as Row | undefined;
		return row ? { member: toMember(row)!, expiresAt: Number(row.code_expires_at) } : null;
	}

	async redeem(codeHash: string, now: number, sessionHash: string): Promise<StoredMember | null> {
		return transaction(this.db, () => {
			const row = this.stmt.find.get(codeHash, now) as Row | undefined;
			if (!row) return null;
			this.stmt.delete.run(codeHash);
			this.stmt.insertSession.run(sessionHash, row.id as string, now);
			return toMember(row);
		});
	}

	async revoke(memberId: string): Promise<void> {
		this.stmt.dropMember.run(memberId);
	}
}
