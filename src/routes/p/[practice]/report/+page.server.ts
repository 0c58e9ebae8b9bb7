import { getZwerm } from '#server/context.ts';
import { reportFor } from '#lib/server/report.ts';
import { practiceIdParam, requireMember } from '#lib/server/session.ts';
import type { PageServerLoad } from './$types';

/** The print-ready report: `?meeting=<id>` or `?from=&to=` (see src/lib/server/report.ts). */
export const load: PageServerLoad = async ({ params, cookies, url, locals }) => {
	const { practice } = await requireMember(practiceIdParam(params.practice), cookies);
	const report = await reportFor(getZwerm(), practice, url, locals.lang);
	return { report, query: url.search };
};
