import { marksOf, meetingOf, meetingsOf, type MarkRecord, type MeetingRecord, type MarkKind } from './records.ts';
import { randomId, type BoardId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import type { BoardReader } from './board-reader.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './service-context.ts';

/** What a new mark says; where it sits (the log's head) and when are the service's to fill in. */
export interface MarkInput {
	readonly kind: MarkKind;
	readonly name: string;
	readonly boardId: string | null;
	readonly meetingId: string | null;
	readonly createdBy: MemberId | null;
}

/**
 * Meetings and named moments on the timeline: a meeting's start and end,
 * snapshots, restores. A mark is a position in the update log with a name;
 * it holds no content of its own.
 */
export class Meetings {
	private readonly ctx: ServiceContext;
	private readonly reader: BoardReader;

	constructor(ctx: ServiceContext, reader: BoardReader) {
		this.ctx = ctx;
		this.reader = reader;
	}

	async startMeeting(
		practiceId: PracticeId,
		input: { title: string; date: string; agenda: readonly string[] },
		by: MemberId
	): Promise<{ meeting: MeetingRecord; mark: MarkRecord }> {
		const meetings = await this.ctx.storage.records.meetings.list(practiceId);
		if (meetings.some((m) => m.endedAt === null)) throw new ServiceError('meeting-running', 'A meeting is already running: end it first.');
		const meeting: MeetingRecord = { id: randomId(12), practiceId, ...input, agenda: [...input.agenda], startedAt: Date.now(), endedAt: null };
		await this.ctx.storage.records.meetings.create(meeting);
		const mark = await this.mark(practiceId, { kind: 'meeting-start', name: input.title, boardId: null, meetingId: meeting.id, createdBy: by });
		return { meeting, mark };
	}

	/** Ends a meeting: a named snapshot of every board. */
	async endMeeting(practiceId: PracticeId, meetingId: string, by: MemberId): Promise<{ meeting: MeetingRecord; mark: MarkRecord }> {
		const meeting = meetingOf(await this.ctx.storage.records.meetings.get(meetingId));
		if (!meeting || meeting.practiceId !== practiceId) throw new ServiceError('not-found', 'No such meeting.');
		if (meeting.endedAt !== null) throw new ServiceError('no-meeting', 'This meeting has ended already.');
		const mark = await this.mark(practiceId, { kind: 'meeting-end', name: meeting.title, boardId: null, meetingId, createdBy: by });
		await this.ctx.storage.records.meetings.end(meetingId, mark.at);
		return { meeting: { ...meeting, endedAt: mark.at }, mark };
	}

	async snapshot(practiceId: PracticeId, name: string, by: MemberId, boardId: BoardId | null = null): Promise<MarkRecord> {
		if (boardId) await this.reader.board(practiceId, boardId);
		return this.mark(practiceId, { kind: 'snapshot', name, boardId, meetingId: null, createdBy: by });
	}

	async listMeetings(practiceId: PracticeId): Promise<MeetingRecord[]> {
		return meetingsOf(await this.ctx.storage.records.meetings.list(practiceId));
	}

	async listMarks(practiceId: PracticeId): Promise<MarkRecord[]> {
		return marksOf(await this.ctx.storage.records.marks.list(practiceId));
	}

	/** A board's marks and the practice-wide ones (meetings), in timeline order. */
	async marksOfBoard(practiceId: PracticeId, boardId: BoardId): Promise<MarkRecord[]> {
		return marksOf(await this.ctx.storage.records.marks.list(practiceId, boardId));
	}

	/** A mark at the log's head, once everything applied so far is in the log. */
	async mark(practiceId: PracticeId, m: MarkInput): Promise<MarkRecord> {
		await this.ctx.documents.whenStored();
		// Marks are read in (seq, at) order: a mark made in the same millisecond as
		// the one before it (a meeting ended right after it started) must still come after it.
		const last = marksOf(await this.ctx.storage.records.marks.list(practiceId)).at(-1);
		const at = Math.max(Date.now(), (last?.at ?? 0) + 1);
		const mark: MarkRecord = { id: randomId(12), practiceId, seq: await this.ctx.storage.log.headSeq(), at, ...m };
		await this.ctx.storage.records.marks.add(mark);
		return mark;
	}
}
