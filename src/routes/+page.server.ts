import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { links } from '#server/practices.ts';
import { isServiceError } from '#server/errors.ts';
import { DEFAULT_FRAMEWORK_ID } from '#lib/domain/frameworks.ts';
import { MAX_FILE_BYTES, parseFramework, type FileIssue } from '#lib/domain/framework-file.ts';
import { setSessionCookie } from '#lib/server/session.ts';
import { practiceCreationRefused } from '#lib/server/rate-limit.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ defaultFramework: DEFAULT_FRAMEWORK_ID });

/** The framework field: a built-in id, or `own` with the editor's file (JSON) beside it. */
function frameworkInput(form: FormData): { choice: string; framework: unknown } {
	const choice = String(form.get('framework') ?? DEFAULT_FRAMEWORK_ID);
	if (choice !== 'own') return { choice, framework: choice };
	const text = String(form.get('frameworkFile') ?? '');
	if (text.length > MAX_FILE_BYTES) return { choice, framework: null };
	try {
		return { choice, framework: JSON.parse(text) as unknown };
	} catch {
		return { choice, framework: null };
	}
}

export const actions: Actions = {
	default: async (event) => {
		const { request, cookies, url } = event;
		const form = await request.formData();
		const { choice, framework } = frameworkInput(form);
		const input = {
			name: String(form.get('name') ?? ''),
			facilitatorName: String(form.get('facilitatorName') ?? ''),
			framework
		};
		const echo = { name: input.name, facilitatorName: input.facilitatorName, framework: choice, frameworkIssues: [] as FileIssue[] };
		if (practiceCreationRefused(event) !== null) return fail(429, { ...echo, errors: ['rate-limited'] });
		if (choice === 'own') {
			// The editor checked it as it was typed; a page without scripts or an old tab is told here, field by field.
			const parsed = parseFramework(framework);
			if (!parsed.ok) return fail(400, { ...echo, errors: ['framework-invalid'], frameworkIssues: [...parsed.issues] });
		}
		let created;
		try {
			created = await getZwerm().practices.create(input);
		} catch (e) {
			if (e instanceof z.ZodError) return fail(400, { ...echo, errors: e.issues.map((i) => (i.path[0] === 'framework' ? 'framework-invalid' : i.message)) });
			if (isServiceError(e) && e.code === 'invalid-framework') return fail(400, { ...echo, errors: ['framework-invalid'] });
			throw e;
		}
		setSessionCookie(cookies, created.practice.id, created.facilitator.token, url.protocol === 'https:');
		redirect(303, links.practice(created.practice.id));
	}
};
