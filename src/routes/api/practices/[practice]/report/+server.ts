import { error, json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { reportMarkdown } from '#server/report.ts';
import { handled, requireRole } from '#lib/server/api.ts';
import { reportFigures, reportFor } from '#lib/server/report.ts';
import type { RequestHandler } from './$types';

/**
 * GET ?meeting=<id> | ?from=&to= [&format=md|json] [&lang=nl|en]: how each
 * board's collective lane evolved, dialogue questions as headings, and the
 * group's figures and coverage map (never anyone's own); any member.
 */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const format = url.searchParams.get('format') ?? 'md';
	const lang = url.searchParams.get('lang') ?? cookies.get('zwerm_lang') ?? 'nl';
	if (format !== 'md' && format !== 'json') error(400, { message: 'format: md or json.', code: 'invalid-request' });
	if (lang !== 'nl' && lang !== 'en') error(400, { message: 'lang: nl or en.', code: 'invalid-request' });
	const zwerm = getZwerm();
	const report = await handled(() => reportFor(zwerm, practice, url, lang));
	if (format === 'json') return json(report);
	return new Response(reportMarkdown(report, await reportFigures(zwerm, practice, report)), {
		headers: {
			'content-type': 'text/markdown; charset=utf-8',
			'content-disposition': `attachment; filename="zwerm-report-${practice.id}.md"`
		}
	});
};
