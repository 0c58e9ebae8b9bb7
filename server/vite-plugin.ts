import type { Plugin } from 'vite';
import { createZwerm } from './zwerm.ts';
import { describeStorage, openStorage } from './storage/open.ts';
import { setZwerm } from './context.ts';
import { createLogger, routeConsole } from './logger.ts';

/**
 * `npm run dev`: the collaboration server runs inside Vite's dev server and
 * takes websocket upgrades on /collab (Vite's own HMR socket is left alone).
 */
export function zwermDevServer(): Plugin {
	return {
		name: 'zwerm-dev-server',
		apply: 'serve',
		async configureServer(server) {
			if (process.env.VITEST) return;
			const logger = createLogger();
			const restoreConsole = routeConsole(logger);
			const where = { dataDir: process.env.DATA_DIR ?? 'data', databaseUrl: process.env.DATABASE_URL };
			const storage = await openStorage({ ...where, logger });
			logger.info('storage', describeStorage(where));
			const zwerm = createZwerm({ storage, logger });
			setZwerm(zwerm);
			server.httpServer?.on('upgrade', (req, socket, head) => {
				zwerm.handleUpgrade(req, socket, head);
			});
			server.httpServer?.on('close', () => {
				restoreConsole();
				void zwerm.close();
			});
		}
	};
}
