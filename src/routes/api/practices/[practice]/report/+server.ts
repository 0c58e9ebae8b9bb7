import { error, json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { reportMarkdown } from '#server/report.ts';
import { handled, requireRole } from '#lib/server/api.ts';
import { reportFor } from '#lib/server/report.ts';
import type { RequestHandler } from './$types';

/**
 * GET ?meeting=<id> | ?from=&to= [&format=md|json] [&lang=nl|en]: how each
 * board's collective lane evolved, dialogue questions as headings; any member.
 */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const format = url.searchParams.get('format') ?? 'md';
	const lang = url.searchParams.get('lang') ?? cookies.get('zwerm_lang') ?? 'nl';
	if (format !== 'md' && format !== 'json') error(400, { message: 'format: md or json.', code: 'invalid-request' });
	if (lang !== 'nl' && lang !== 'en') error(400, { message: 'lang: nl or en.', code: 'invalid-request' });
	const report = await handled(() => reportFor(getZwerm(), practice, url, lang));
	if (format === 'json') return json(report);
	return new Response(reportMarkdown(report), {
		headers: {
			'content-type': 'text/markdown; charset=utf-8',
			'content-disposition': `attachment; filename="zwerm-report-${practice.id}.md"`
		}
	});
};
