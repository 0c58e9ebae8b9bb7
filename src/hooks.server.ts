import type { Handle } from '@sveltejs/kit';
import { DEFAULT_LANGUAGE, LANGUAGE_COOKIE, isLanguage } from '#lib/i18n/index.svelte.ts';

/**
 * On every response SvelteKit makes, pages and API alike (pages also carry
 * the Content-Security-Policy of svelte.config.js). Invite and personal links
 * carry their token in the address, so a Referer holds the origin at most.
 * Not `no-referrer`: with it Chromium sends `Origin: null` on form posts, and
 * SvelteKit's CSRF check then refuses joining and creating a practice (403).
 */
const SECURITY_HEADERS = {
	'referrer-policy': 'strict-origin',
	'x-content-type-options': 'nosniff',
	// frame-ancestors 'none' in the CSP, for browsers that only know this one (and non-HTML answers).
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
} as const;

export const handle: Handle = async ({ event, resolve }) => {
	const cookie = event.cookies.get(LANGUAGE_COOKIE);
	event.locals.lang = isLanguage(cookie) ? cookie : DEFAULT_LANGUAGE;
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
	});
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	return response;
};
