import type { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { practiceDoc } from '$lib/domain/docnames.ts';
import type { PracticeId } from '$lib/domain/ids.ts';
import { readPractice, type MemberInfo, type PracticeInfo } from '$lib/domain/practice.ts';
import type { CollectionWindow } from '$lib/domain/windows.ts';
import { openDocument } from './socket.ts';
import { coalesce } from './coalesce.ts';

const NO_WINDOWS: ReadonlyMap<string, CollectionWindow> = new Map();

/** The live practice document: its members appear as they join. */
export class PracticeState {
	info = $state<PracticeInfo>({ name: '', framework: null, members: [], rounds: new Map() });
	readonly provider: HocuspocusProvider;

	constructor(socket: HocuspocusProviderWebsocket, practiceId: PracticeId, initialMembers: readonly MemberInfo[] = []) {
		this.provider = openDocument(socket, practiceDoc(practiceId), { awareness: false });
		const doc = this.provider.document;
		doc.on('update', coalesce(() => (this.info = readPractice(doc))));
		// Until the document has synced, the member list the page was served with.
		this.info = { ...readPractice(doc), members: initialMembers };
	}

	/** Collection windows by board; empty until the document has synced. */
	get windows(): ReadonlyMap<string, CollectionWindow> {
		return this.info.windows ?? NO_WINDOWS;
	}

	memberName(id: string | null): string | null {
		return this.info.members.find((m) => m.id === id)?.name ?? null;
	}

	destroy(): void {
		this.provider.destroy();
	}
}
