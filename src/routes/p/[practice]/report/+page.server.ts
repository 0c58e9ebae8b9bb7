import { getZwerm } from '#server/context.ts';
import { reportFigureData, reportFor } from '#lib/server/report.ts';
import { practiceIdParam, requireMember } from '#lib/server/session.ts';
import type { PageServerLoad } from './$types';

/** The print-ready report: `?meeting=<id>` or `?from=&to=`, and `?board=` (see src/lib/server/report.ts). */
export const load: PageServerLoad = async ({ params, cookies, url, locals }) => {
	const { practice } = await requireMember(practiceIdParam(params.practice), cookies);
	const zwerm = getZwerm();
	const report = await reportFor(zwerm, practice, url, locals.lang);
	const marks = await zwerm.meetings.listMarks(practice.id);
	// The meetings to choose a range from: each one's start and end mark.
	const meetings = marks
		.filter((m) => m.kind === 'meeting-start' && m.meetingId)
		.map((m) => ({ title: m.name, start: m.id, end: marks.find((e) => e.kind === 'meeting-end' && e.meetingId === m.meetingId)?.id ?? null, meetingId: m.meetingId! }));
	// The group's figures of the report's chapters and board (never anyone's own).
	const figures = await reportFigureData(zwerm, practice, report);
	return { report, query: url.search, meetings, figures };
};
