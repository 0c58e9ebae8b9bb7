import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			// Reactive state is replaced as immutable snapshots ($state.raw); local Maps and Sets are not state.
			'svelte/prefer-svelte-reactivity': 'off',
			// Zwerm is served at the root (no `paths.base`); links carry ids, not route templates.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		// Storage speaks plain strings and bytes (docs/SPEC.md): it imports no domain or app module.
		files: ['server/storage/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['**/src/**', '$lib/**', '$server/**'], message: 'Storage imports no domain or app code: plain strings at the boundary; server/records.ts converts.' }] }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	}
);
