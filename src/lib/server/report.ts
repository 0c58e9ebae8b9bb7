import { error } from '@sveltejs/kit';
import type { Zwerm } from '#server/zwerm.ts';
import type { PracticeRecord } from '#server/records.ts';
import { buildReport, meetingRange, type Report, type ReportLanguage, type ReportMoment } from '#server/report.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { isRandomId } from '#lib/domain/ids.ts';

/**
 * The report a query asks for: `?meeting=<id>` (its start to its end), or
 * `?from=&to=` as mark ids or log positions (default: the beginning to now).
 */
export async function reportFor(zwerm: Zwerm, practice: PracticeRecord, url: URL, language: ReportLanguage): Promise<Report> {
	const marks = await zwerm.meetings.listMarks(practice.id);
	const labels =
		language === 'en'
			? { start: 'the beginning', now: 'now', opened: (m: string) => `the start of ${m}`, ended: (m: string) => `the end of ${m}` }
			: { start: 'het begin', now: 'nu', opened: (m: string) => `het begin van ${m}`, ended: (m: string) => `het einde van ${m}` };
	const head = await zwerm.storage.log.headSeq();
	const now: ReportMoment = { seq: head, label: labels.now, at: Date.now() };
	const moment = (raw: string | null, fallback: ReportMoment): ReportMoment => {
		if (raw === null || raw === '') return fallback;
		if (/^\d+$/.test(raw)) {
			const seq = Number(raw);
			return seq === 0 ? { seq: 0, label: labels.start, at: null } : { seq, label: `#${seq}`, at: null };
		}
		const mark = isRandomId(raw) ? marks.find((m) => m.id === raw) : undefined;
		if (!mark) error(404, { message: 'No such moment on the timeline.', code: 'not-found' });
		const label = mark.kind === 'meeting-start' ? labels.opened(mark.name) : mark.kind === 'meeting-end' ? labels.ended(mark.name) : mark.name;
		return { seq: mark.seq, label, at: mark.at };
	};
	let from: ReportMoment;
	let to: ReportMoment;
	const meeting = url.searchParams.get('meeting');
	if (meeting) {
		const range = isRandomId(meeting) ? meetingRange(marks, meeting) : null;
		if (!range) error(404, { message: 'No such meeting.', code: 'not-found' });
		from = { seq: range.from.seq, label: labels.opened(range.from.name), at: range.from.at };
		to = range.to ? { seq: range.to.seq, label: labels.ended(range.to.name), at: range.to.at } : now;
	} else {
		from = moment(url.searchParams.get('from'), { seq: 0, label: labels.start, at: null });
		to = moment(url.searchParams.get('to'), now);
	}
	if (to.seq < from.seq) error(400, { message: 'The end of the range is before its start.', code: 'invalid-request' });
	const members = readPractice(await zwerm.readDocument(practiceDoc(practice.id))).members;
	const names = new Map(members.map((m) => [m.id as string, m.name]));
	const votes = await zwerm.storage.records.votes.list(practice.id);
	return buildReport(zwerm.timeline, practice, from, to, names, language, votes);
}
