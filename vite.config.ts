import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { zwermDevServer } from './server/vite-plugin.ts';

export default defineConfig({
	plugins: [sveltekit(), zwermDevServer()],
	test: {
		// Polls wait up to 10 s: these machines are shared, and a page under load is slow, not wrong.
		expect: { requireAssertions: true, poll: { timeout: 10000, interval: 50 } },
		projects: [
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
			{
				extends: true,
				test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', testTimeout: 60000, hookTimeout: 60000 }
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120000,
					hookTimeout: 180000,
					fileParallelism: false,
					globalSetup: ['tests/e2e/global-setup.ts']
				}
			}
		]
	}
});
