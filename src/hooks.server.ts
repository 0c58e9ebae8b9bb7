import type { Handle } from '@sveltejs/kit';
import { DEFAULT_LANGUAGE, LANGUAGE_COOKIE, isLanguage } from '$lib/i18n/index.svelte.ts';

export const handle: Handle = async ({ event, resolve }) => {
	const cookie = event.cookies.get(LANGUAGE_COOKIE);
	event.locals.lang = isLanguage(cookie) ? cookie : DEFAULT_LANGUAGE;
	return resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
	});
};
