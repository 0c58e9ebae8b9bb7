/**
 * Process entry for `npm start`: SvelteKit's production handler and the
 * collaboration server on one port. Configuration by environment:
 *   PORT (3000), HOST (0.0.0.0), DATA_DIR (./data), ZWERM_SYNC (FULL|NORMAL),
 *   DATABASE_URL (postgres://…: PostgreSQL instead of SQLite in DATA_DIR),
 *   REDIS_URL (redis://…: several instances on one PostgreSQL database share live documents),
 *   REDIS_PREFIX (zwerm: namespace of the Redis channels),
 *   ZWERM_DEVICE_CODE_TTL (600: seconds a code to continue on another device works)
 */
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { createZwerm } from './zwerm.ts';
import { describeStorage, openStorage } from './storage/open.ts';
import { setZwerm } from './context.ts';
import { createLogger, routeConsole } from './logger.ts';
import { checkRedis, describeRedis } from './redis.ts';

const logger = createLogger();
// Hocuspocus and SvelteKit complain on the console, once per refused frame: digest that into the log.
routeConsole(logger);
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
const buildDir = resolve(process.env.ZWERM_BUILD_DIR ?? 'build');

if (!existsSync(join(buildDir, 'handler.js'))) {
	logger.warn('no-build', { message: `No app build in ${buildDir}: run \`npm run build\` first (npm start does).` });
	process.exit(1);
}

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL?.trim() || undefined;
if (redisUrl && !databaseUrl?.trim()) {
	// Every instance must read and append the same log; an SQLite file belongs to one machine.
	logger.warn('redis-needs-postgres', {
		message: 'REDIS_URL runs several instances on one database: set DATABASE_URL (PostgreSQL) too. SQLite in DATA_DIR cannot be shared.'
	});
	process.exit(1);
}
if (redisUrl) {
	await checkRedis(redisUrl).catch((error: unknown) => {
		logger.warn('redis-unavailable', { ...describeRedis(redisUrl), error: String(error) });
		process.exit(1);
	});
}
const storage = await openStorage({
	dataDir,
	databaseUrl,
	synchronous: process.env.ZWERM_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL',
	logger
}).catch((error: unknown) => {
	logger.warn('storage-unavailable', { ...describeStorage({ dataDir, databaseUrl }), error: String(error) });
	process.exit(1);
});
logger.info('storage', describeStorage({ dataDir, databaseUrl }));
const redisPrefix = process.env.REDIS_PREFIX?.trim() || 'zwerm';
if (redisUrl) logger.info('redis', { ...describeRedis(redisUrl), prefix: redisPrefix, message: 'scale-out: live documents and presence shared through Redis' });
const deviceCodeTtl = Number(process.env.ZWERM_DEVICE_CODE_TTL);
const zwerm = createZwerm({
	storage,
	logger,
	redis: redisUrl ? { url: redisUrl, prefix: redisPrefix } : undefined,
	deviceCodeTtlMs: deviceCodeTtl > 0 ? deviceCodeTtl * 1000 : undefined
});
setZwerm(zwerm);

// adapter-node assumes https unless told otherwise. Without ORIGIN or a
// proxy's PROTOCOL_HEADER, tell it the truth about each request's socket.
const OWN_PROTOCOL_HEADER = 'x-zwerm-protocol';
const ownProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (ownProtocol) process.env.PROTOCOL_HEADER = OWN_PROTOCOL_HEADER;

const { handler } = (await import(pathToFileURL(join(buildDir, 'handler.js')).href)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

const server = createServer((req, res) => {
	if (ownProtocol) req.headers[OWN_PROTOCOL_HEADER] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
	handler(req, res);
});
server.on('upgrade', (req, socket, head) => {
	if (!zwerm.handleUpgrade(req, socket, head)) socket.destroy();
});
server.listen(port, host, () => {
	const address = server.address();
	const actual = typeof address === 'object' && address ? address.port : port;
	logger.info('listening', { url: `http://localhost:${actual}`, dataDir, node: process.version });
});

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	logger.info('shutting-down', { signal });
	server.close();
	await zwerm.close();
	server.closeAllConnections();
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
