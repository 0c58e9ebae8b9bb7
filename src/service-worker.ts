/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

/**
 * Offline app shell: the built assets are cached at install; pages a member
 * has visited (and their data) are cached as they are fetched, network first,
 * so a board visited before opens without a connection. Board content itself
 * comes from IndexedDB (src/lib/sync/socket.ts), never from this cache.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const ASSETS_CACHE = `zwerm-assets-${version}`;
const PAGES_CACHE = 'zwerm-pages';
const ASSETS = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(ASSETS_CACHE)
			.then((cache) => cache.addAll([...ASSETS]))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key.startsWith('zwerm-assets-') && key !== ASSETS_CACHE) await caches.delete(key);
			await sw.clients.claim();
			// The page that installed us was loaded before we could see it: keep it for offline use too.
			const pages = await caches.open(PAGES_CACHE);
			for (const client of await sw.clients.matchAll({ type: 'window' })) {
				const url = new URL(client.url);
				if (url.origin === sw.location.origin && url.pathname.startsWith('/p/')) {
					await pages.add(new Request(url.href, { credentials: 'same-origin' })).catch(() => {});
				}
			}
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/collab')) return;
	if (ASSETS.has(url.pathname)) {
		event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
		return;
	}
	// Pages of a practice and their data: network first, the last good copy when offline.
	if (url.pathname.startsWith('/p/')) {
		event.respondWith(
			(async () => {
				const pages = await caches.open(PAGES_CACHE);
				try {
					const response = await fetch(request);
					// Answer at once; keep the copy meanwhile (a page's body may stream for a while).
					if (response.ok) event.waitUntil(pages.put(request, response.clone()).catch(() => {}));
					return response;
				} catch (error) {
					const hit = await pages.match(request);
					if (hit) return hit;
					throw error;
				}
			})()
		);
	}
});

sw.addEventListener('message', (event) => {
	// A member who leaves or is removed: forget this practice's pages.
	const data = event.data as { type?: string; practiceId?: string } | null;
	if (data?.type !== 'forget-practice' || !data.practiceId) return;
	const prefix = `${sw.location.origin}/p/${data.practiceId}`;
	event.waitUntil(
		caches.open(PAGES_CACHE).then(async (pages) => {
			for (const request of await pages.keys()) if (request.url.startsWith(prefix)) await pages.delete(request);
		})
	);
});
