import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { links } from '#server/practices.ts';
import { BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID } from '#lib/domain/frameworks.ts';
import { setSessionCookie } from '#lib/server/session.ts';
import { practiceCreationRefused } from '#lib/server/rate-limit.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({
	frameworks: BUILTIN_FRAMEWORKS.map((f) => ({ id: f.id, name: f.name, description: f.description })),
	defaultFramework: DEFAULT_FRAMEWORK_ID
});

export const actions: Actions = {
	default: async (event) => {
		const { request, cookies, url } = event;
		const form = await request.formData();
		const input = {
			name: String(form.get('name') ?? ''),
			facilitatorName: String(form.get('facilitatorName') ?? ''),
			framework: String(form.get('framework') ?? DEFAULT_FRAMEWORK_ID)
		};
		if (practiceCreationRefused(event) !== null) return fail(429, { ...input, errors: ['rate-limited'] });
		let created;
		try {
			created = await getZwerm().practices.create(input);
		} catch (e) {
			if (e instanceof z.ZodError) return fail(400, { ...input, errors: e.issues.map((i) => i.message) });
			throw e;
		}
		setSessionCookie(cookies, created.practice.id, created.facilitator.token, url.protocol === 'https:');
		redirect(303, links.practice(created.practice.id));
	}
};
