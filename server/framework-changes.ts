import type { MemberId, PracticeId } from '#lib/domain/ids.ts';
import { FrameworkFileError, parseFramework } from '#lib/domain/framework-file.ts';
import { changeFramework, markNameOf, type BoardChange } from '#lib/domain/framework-change.ts';
import { archivedBoardsOf } from '#lib/domain/practice.ts';
import type { Framework } from '#lib/domain/frameworks.ts';
import type { Meetings } from './meetings.ts';
import type { Practices } from './practices.ts';
import { ServiceError } from './errors.ts';

/**
 * Changing a running practice's framework (facilitators: the endpoint checks
 * the role). The new framework arrives as a file (framework-file.ts) and is
 * matched to the old one by aspect id (framework-change.ts): boards are added,
 * renamed, edited, archived or restored, never deleted. Every board change is
 * a `framework` mark on that board's timeline. Archiving closes the
 * practice's connections so they reopen read-only on the archived board.
 */
export class FrameworkChanges {
	private readonly practices: Practices;
	private readonly meetings: Meetings;
	private readonly closeMember: (memberId: MemberId) => number;
	/** One change per practice at a time on this instance: the second reads what the first wrote. */
	private readonly running = new Map<PracticeId, Promise<unknown>>();

	constructor(practices: Practices, meetings: Meetings, closeMember: (memberId: MemberId) => number) {
		this.practices = practices;
		this.meetings = meetings;
		this.closeMember = closeMember;
	}

	async change(practiceId: PracticeId, by: MemberId, raw: unknown, now = Date.now()): Promise<{ framework: Framework; changes: BoardChange[] }> {
		const previous = this.running.get(practiceId) ?? Promise.resolve();
		const run = previous.then(() => this.changeNow(practiceId, by, raw, now));
		const settled = run.catch(() => {});
		this.running.set(practiceId, settled);
		void settled.then(() => {
			if (this.running.get(practiceId) === settled) this.running.delete(practiceId);
		});
		return run;
	}

	private async changeNow(practiceId: PracticeId, by: MemberId, raw: unknown, now: number) {
		const practice = await this.practices.get(practiceId);
		if (!practice) throw new ServiceError('not-found', 'No such practice.');
		const parsed = parseFramework(
			raw,
			archivedBoardsOf(practice.framework).map((a) => a.id),
			practice.framework.aspects.map((a) => a.id)
		);
		if (!parsed.ok) throw new ServiceError('invalid-framework', new FrameworkFileError(parsed.issues).message);
		const { framework, changes } = changeFramework(practice.framework, parsed.framework, now);
		await this.practices.setFramework(practiceId, framework);
		for (const change of changes) {
			await this.meetings.mark(practiceId, { kind: 'framework', name: markNameOf(change), boardId: change.boardId, meetingId: null, createdBy: by });
		}
		if (changes.some((c) => c.kind === 'archived' || c.kind === 'restored')) {
			// Open connections were allowed to write the board: they reopen with the new rights.
			for (const member of await this.practices.listMembers(practiceId)) this.closeMember(member.id);
		}
		return { framework, changes };
	}
}
