import { execFileSync } from 'node:child_process';

/** The end-to-end tests run the production build, as `npm start` does. */
export default function setup(): void {
	if (process.env.ZWERM_SKIP_BUILD === '1') return;
	execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}
