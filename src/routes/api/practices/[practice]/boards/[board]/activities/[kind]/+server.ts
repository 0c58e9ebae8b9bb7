import { activityEndpoint } from '#lib/server/activities.ts';
import type { RequestHandler } from './$types';

/** POST: start an activity of this kind on the board (or change the running one). Facilitators. */
export const POST: RequestHandler = (event) => activityEndpoint(event, 'start');

/** DELETE: end it now (a silent round reveals, a collection window closes). Facilitators. */
export const DELETE: RequestHandler = (event) => activityEndpoint(event, 'end');
