import type { Language } from '#lib/i18n/index.svelte.ts';

declare global {
	namespace App {
		interface Locals {
			lang: Language;
		}
		interface Error {
			message: string;
			code?: string;
			/** A short link's code as typed, shown again with the error (routes/j). */
			typed?: string;
			/** Seconds until the address may try again, with a 429. */
			retryAfter?: number;
		}
	}
}

export {};
