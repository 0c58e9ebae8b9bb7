import i18next from 'i18next';
import { nl } from './nl.ts';
import { en } from './en.ts';

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'nl';
export const LANGUAGE_COOKIE = 'zwerm_lang';
export const isLanguage = (v: unknown): v is Language => LANGUAGES.includes(v as Language);

const instance = i18next.createInstance();
void instance.init({
	initAsync: false,
	lng: DEFAULT_LANGUAGE,
	fallbackLng: DEFAULT_LANGUAGE,
	supportedLngs: [...LANGUAGES],
	resources: { nl: { translation: nl }, en: { translation: en } },
	interpolation: { escapeValue: false }, // Svelte escapes
	returnNull: false,
	showSupportNotice: false
});

/** The interface language; reading `t` inside a template re-renders on change. */
class Locale {
	current = $state<Language>(DEFAULT_LANGUAGE);
}
export const locale = new Locale();

export function setLanguage(lang: Language): void {
	locale.current = lang;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

const fixed = new Map<Language, Translate>();

export function t(key: string, options?: Record<string, unknown>): string {
	const lang = locale.current;
	let translate = fixed.get(lang);
	if (!translate) fixed.set(lang, (translate = instance.getFixedT(lang) as unknown as Translate));
	return translate(key, options);
}

/** Localized framework text picks the current language. */
export function loc(text: { nl: string; en: string } | undefined): string {
	return text ? text[locale.current] : '';
}
