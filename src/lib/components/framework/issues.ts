import type { FileIssue } from '#lib/domain/framework-file.ts';
import { t } from '#lib/i18n/index.svelte.ts';

/**
 * A file or editor issue in words: the field as people call it, then what is
 * wrong, then the field's path in the file for whoever edits it by hand:
 * "Aspect 2, naam (Nederlands) mag niet leeg zijn (aspects[1].name.nl)".
 */
export function fieldText(path: string): string {
	if (!path) return t('frameworkEditor.field.file');
	const parts = path.match(/[a-z]+|\[\d+\]/gi) ?? [];
	const words: string[] = [];
	let inAspect = false;
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i]!;
		const index = /^\[(\d+)\]$/.exec(part);
		const prev = parts[i - 1];
		if (index) {
			const n = Number(index[1]) + 1;
			if (prev === 'aspects') {
				words.pop();
				words.push(t('frameworkEditor.field.aspect', { n }));
				inAspect = true;
			} else if (prev === 'questions') {
				words.pop();
				words.push(t('frameworkEditor.field.question', { n }));
			}
			continue;
		}
		if (part === 'nl' || part === 'en') {
			words.push(`(${t(`frameworkEditor.field.${part}`)})`);
			continue;
		}
		const key = inAspect && part === 'name' ? 'aspectName' : inAspect && part === 'id' ? 'aspectId' : part;
		const known = ['format', 'version', 'id', 'name', 'description', 'aspects', 'aspectName', 'aspectId', 'explanation', 'questions', 'poles', 'left', 'right'];
		words.push(known.includes(key) ? t(`frameworkEditor.field.${key}`) : part);
	}
	return words.join(', ').replace(/, \(/g, ' (');
}

export const issueText = (issue: FileIssue): string =>
	`${fieldText(issue.path)} ${t(`frameworkEditor.problems.${issue.problem}`, { detail: issue.detail ?? '' })}${issue.path ? ` (${issue.path})` : ''}`;
