import { activityEndpoint } from '#lib/server/activities.ts';
import type { RequestHandler } from './$types';

/** GET: an action that reads (a collection window's contributions). */
export const GET: RequestHandler = (event) => activityEndpoint(event, 'action');

/** POST: an action that changes something (ready in a silent round). */
export const POST: RequestHandler = (event) => activityEndpoint(event, 'action');
