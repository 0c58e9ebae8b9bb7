import { createHash, randomBytes } from 'node:crypto';

/** An unguessable secret: 256 bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * Secrets are stored and looked up by their SHA-256, so the database never
 * holds a usable session and no comparison runs on the secret itself (a lookup
 * by hash leaks nothing an attacker could steer: constant time where it matters).
 */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const sessionCookieName = (practiceId: string): string => `zw_${practiceId}`;
/** A room's screen has a cookie of its own: a facilitator's browser can be their own device and the screen at once. */
export const screenCookieName = (practiceId: string): string => `zws_${practiceId}`;

export function readCookie(header: string | null | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
	}
	return null;
}
