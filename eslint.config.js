import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
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
				{ patterns: [{ regex: '(^|/)src/|^#lib/|^#server/|^\\$lib/', message: 'Storage imports no domain or app code: plain strings at the boundary; server/records.ts converts.' }] }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	// Layers (docs/ARCHITECTURE.md). The domain is plain data and Yjs: no Svelte,
	// DOM, network or server code. The app's components never import the
	// server. (Storage: the rule above.)
	{
		files: ['src/lib/domain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['svelte', 'svelte/*', '$app/*', '@sveltejs/*'], message: 'The domain is framework-free: no Svelte here.' },
						{ regex: '^#lib/(components|sync|editor|server|history|i18n)/|^\\$lib/|^\\.\\./(components|sync|editor|server)/', message: 'The domain imports only the domain.' },
						{ regex: '^#server/|/server/|^node:|^ws$|^@hocuspocus/|^y-protocols/', message: 'The domain does no I/O: no server, Node or network code.' }
					]
				}
			],
			'no-restricted-globals': ['error', 'window', 'document', 'fetch', 'WebSocket', 'localStorage']
		}
	},
	{
		files: ['src/lib/components/**/*.{ts,svelte}', 'src/lib/sync/**/*.ts', 'src/lib/editor/**/*.ts', 'src/routes/**/*.svelte'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ regex: '^#server/|^#lib/server/|/server/', message: 'Components run in the browser: no server code (go through an endpoint).' }
					]
				}
			]
		}
	},
	// No import cycles in the TypeScript modules.
	{
		files: ['src/**/*.ts', 'server/**/*.ts'],
		plugins: { 'import-x': importX },
		settings: {
			'import-x/extensions': ['.ts', '.js'],
			'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
			'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })]
		},
		rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] }
	}
);
