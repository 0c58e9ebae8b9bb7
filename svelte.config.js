import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		alias: { $server: 'server' },
		typescript: {
			// server/ and bench/ run on Node directly but share types with the app.
			config(tsconfig) {
				tsconfig.include.push('../server/**/*.ts', '../bench/**/*.ts', '../vite.config.ts');
			}
		}
	}
};

export default config;
