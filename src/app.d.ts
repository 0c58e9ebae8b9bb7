import type { Language } from '#lib/i18n/index.svelte.ts';

declare global {
	namespace App {
		interface Locals {
			lang: Language;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
