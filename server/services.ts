import type { MemberId } from '#lib/domain/ids.ts';
import { Activities } from './activities/index.ts';
import { AnonymousMirror } from './anonymous-mirror.ts';
import { BoardReader } from './board-reader.ts';
import { DeviceCodes } from './device-codes.ts';
import { Erasure } from './erasure.ts';
import { FigureService } from './figures.ts';
import { FrameworkChanges } from './framework-changes.ts';
import { Meetings } from './meetings.ts';
import { News } from './news.ts';
import { Practices } from './practices.ts';
import { Screens } from './screens.ts';
import { ShortLinks } from './short-links.ts';
import type { ServiceContext } from './service-context.ts';
import { Timeline } from './timeline.ts';

/**
 * Every service of the server, each built from the one ServiceContext and the
 * services it needs, passed explicitly (no service reaches for another).
 */
export function createServices(ctx: ServiceContext, more: { closeMember: (memberId: MemberId) => number; deviceCodeTtlMs?: number; screenCodeTtlMs?: number }) {
	const mirror = new AnonymousMirror(ctx);
	const erasure = new Erasure(ctx, mirror);
	const reader = new BoardReader(ctx);
	const meetings = new Meetings(ctx, reader);
	const activities = new Activities(ctx, mirror, reader, (practiceId, mark) => meetings.mark(practiceId, mark));
	const practices = new Practices(ctx, { erasure, closeMember: more.closeMember });
	const deviceCodes = new DeviceCodes(ctx, more.deviceCodeTtlMs);
	// A screen's connections are closed like a member's: by its id, on every instance.
	const screens = new Screens(ctx, { closeScreen: more.closeMember, ttlMs: more.screenCodeTtlMs });
	const shortLinks = new ShortLinks(ctx);
	const timeline = new Timeline(ctx, reader, meetings);
	const news = new News(ctx, reader, timeline);
	const figures = new FigureService(ctx, reader, meetings);
	const frameworks = new FrameworkChanges(practices, meetings, more.closeMember);
	return { mirror, erasure, activities, practices, deviceCodes, screens, shortLinks, reader, meetings, timeline, news, figures, frameworks };
}

export type Services = ReturnType<typeof createServices>;
