/** Structured logs: one JSON object a line. */
export interface Logger {
	info(event: string, fields?: Record<string, unknown>): void;
	warn(event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(write: (line: string) => void = (l) => process.stderr.write(l + '\n'), quiet = false): Logger {
	const emit = (level: string) => (event: string, fields: Record<string, unknown> = {}) => {
		if (quiet && level === 'info') return;
		write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
	};
	return { info: emit('info'), warn: emit('warn') };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
