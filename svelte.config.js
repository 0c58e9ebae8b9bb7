import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// Pages get a Content-Security-Policy header with a fresh nonce for SvelteKit's inline
		// script (hashes on prerendered pages). Styles stay 'unsafe-inline': Tiptap injects its
		// <style> element and Svelte renders style="" attributes into the server's HTML; scripts,
		// which is what an injection would need, do not. See docs/THREAT_MODEL.md.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				// The collaboration websocket is on the page's own origin ('self' covers ws:/wss: there).
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		typescript: {
			// server/ and bench/ run on Node directly but share types with the app.
			config(tsconfig) {
				tsconfig.include.push('../server/**/*.ts', '../bench/**/*.ts', '../vite.config.ts');
			}
		}
	}
};

export default config;
