/**
 * Only the browser sections of `npm run bench` (1b and 1c): `npm run bench:browser`.
 * Seeds the 2,000-note and the 10,000-note board, serves them from the
 * production build and prints the same report, then one JSON line.
 * `--runs=N` sets the repeat visits of 1b (default 5); `--only=1b` or `--only=1c` runs one of them.
 */
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, removeDir, tempDir } from '../tests/helpers/server.ts';
import { startApp } from '../tests/helpers/app.ts';
import { launchBrowser } from '../tests/helpers/browser.ts';
import { seedBoard, BOARD_PLAN, LARGE_BOARD_PLAN } from './seed.ts';
import { benchBrowser, ensureBuild, printBrowser } from './browser-board.ts';
import { benchPanZoom, printPanZoom } from './canvas-frames.ts';
import { round3 } from './stats.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
const log = (line = '') => console.log(line);
const heading = (title: string) => log(`\n${title}\n${'═'.repeat(title.length)}`);

const dir = tempDir('zwerm-bench-browser-');
let stop: (() => Promise<void>)[] = [];
try {
	log(`Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} on ${os.cpus().length} CPUs.`);
	const server = await startTestServer({ dataDir: dir });
	const board = await seedBoard(server, BOARD_PLAN);
	const large = await seedBoard(server, LARGE_BOARD_PLAN);
	await server.stop();
	ensureBuild(ROOT);
	const app = await startApp({ dataDir: dir });
	stop.push(() => app.stop());
	const browser = await launchBrowser();
	stop.push(() => browser.close());
	let chrome = null;
	let panZoom = null;
	if (only !== '1c') {
		heading(`1b. Open a ${board.totalNotes.toLocaleString('en')}-note board in Chromium (Chromium ${browser.version()}, 1400×1000)`);
		chrome = await benchBrowser(browser, app, board, runs);
		printBrowser(chrome, log);
	}
	if (only !== '1b') {
		heading(`1c. Pan and zoom a ${large.totalNotes.toLocaleString('en')}-note board in Chromium`);
		panZoom = await benchPanZoom(browser, app, large);
		printPanZoom(panZoom, large.totalNotes, log);
	}
	log(`\nLoad average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}.`);
	log(JSON.stringify(round3({ bench: 'zwerm-browser', at: new Date().toISOString(), browser: chrome, panZoom: panZoom && { notes: large.totalNotes, ...panZoom } })));
} finally {
	for (const s of stop.reverse()) await s().catch(() => {});
	stop = [];
	removeDir(dir);
}
