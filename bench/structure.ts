/**
 * The code's shape, measured: the largest files, the longest functions, which
 * layer imports which, and import cycles. Figures for the redesign's closing
 * note (before and after), not a test.
 *
 *   node bench/structure.ts            # readable report, then one JSON line
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const roots = ['src', 'server'];

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path, out);
		else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
	}
	return out;
}

const files = roots.flatMap((r) => walk(join(root, r)));

/** The layer a file belongs to, by folder. */
function layerOf(file: string): string {
	const rel = relative(root, file);
	const rules: [RegExp, string][] = [
		[/^src\/lib\/domain\//, 'domain'],
		[/^src\/lib\/sync\//, 'sync'],
		[/^src\/lib\/editor\//, 'editor'],
		[/^src\/lib\/i18n/, 'i18n'],
		[/^src\/lib\/components\//, 'components'],
		[/^src\/lib\/server\//, 'app-server'],
		[/^src\/routes\//, 'routes'],
		[/^server\/storage\//, 'storage'],
		[/^server\//, 'server'],
		[/^src\/lib\//, 'lib']
	];
	return rules.find(([re]) => re.test(rel))?.[1] ?? 'other';
}

/** The script of a .svelte file (instance and module), or the file itself. */
function scriptOf(file: string): string {
	const text = readFileSync(file, 'utf8');
	if (!file.endsWith('.svelte')) return text;
	return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

interface Fn {
	file: string;
	name: string;
	lines: number;
}

const functions: Fn[] = [];
const imports = new Map<string, Set<string>>();
const layerEdges = new Map<string, number>();

function resolveImport(from: string, spec: string): string | null {
	let base: string | null = null;
	if (spec.startsWith('#lib/')) base = join(root, 'src/lib', spec.slice(5));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	if (!base) return null;
	for (const candidate of [base, base + '.ts', base + '.svelte', join(base, 'index.ts')]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			/* try the next */
		}
	}
	return null;
}

for (const file of files) {
	const source = ts.createSourceFile(file, scriptOf(file), ts.ScriptTarget.Latest, true);
	const deps = new Set<string>();
	const visit = (node: ts.Node): void => {
		if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			const spec = node.moduleSpecifier.text;
			const target = resolveImport(file, spec);
			if (target) deps.add(target);
			const to = target ? layerOf(target) : spec.startsWith('$app') || spec.startsWith('svelte') ? 'svelte' : spec.startsWith('node:') ? 'node' : 'packages';
			const key = `${layerOf(file)} → ${to}`;
			layerEdges.set(key, (layerEdges.get(key) ?? 0) + 1);
		}
		if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node)) {
			const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
			const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
			let name = '(anonymous)';
			if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) name = node.name.getText();
			else if (ts.isConstructorDeclaration(node)) name = 'constructor';
			else if (ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText();
			else if (ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText();
			functions.push({ file: relative(root, file), name, lines: end - start + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	imports.set(file, deps);
}

// Cycles: strongly connected components of more than one file (Tarjan).
const cycles: string[][] = [];
{
	let index = 0;
	const idx = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const on = new Set<string>();
	const strong = (v: string): void => {
		idx.set(v, index);
		low.set(v, index++);
		stack.push(v);
		on.add(v);
		for (const w of imports.get(v) ?? []) {
			if (!idx.has(w)) {
				strong(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
		}
		if (low.get(v) === idx.get(v)) {
			const scc: string[] = [];
			let w: string;
			do {
				w = stack.pop()!;
				on.delete(w);
				scc.push(relative(root, w));
			} while (w !== v);
			if (scc.length > 1) cycles.push(scc);
		}
	};
	for (const f of files) if (!idx.has(f)) strong(f);
}

const sizes = files
	.map((f) => ({ file: relative(root, f), lines: readFileSync(f, 'utf8').split('\n').length }))
	.sort((a, b) => b.lines - a.lines);
const serverOver300 = sizes.filter((s) => s.file.startsWith('server/') && s.lines > 300);
const longest = functions.sort((a, b) => b.lines - a.lines).slice(0, 12);
const layerRows = [...layerEdges].filter(([k]) => !/→ (node|packages|svelte)$/.test(k) || /^(domain|storage) /.test(k)).sort();

console.log(`Files: ${files.length} (${sizes.reduce((s, f) => s + f.lines, 0)} lines)`);
console.log('\nLargest files:');
for (const s of sizes.slice(0, 12)) console.log(`  ${String(s.lines).padStart(5)}  ${s.file}`);
console.log(`\nServer files over 300 lines: ${serverOver300.length}`);
console.log('\nLongest functions:');
for (const f of longest) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}  ${f.name}`);
console.log('\nImports between layers (count):');
for (const [k, n] of layerRows) console.log(`  ${String(n).padStart(4)}  ${k}`);
console.log(`\nImport cycles: ${cycles.length}`);
for (const c of cycles) console.log(`  ${c.join(' → ')}`);
console.log(
	JSON.stringify({
		files: files.length,
		largest: sizes.slice(0, 12),
		serverOver300: serverOver300.length,
		longest,
		layers: Object.fromEntries(layerRows),
		cycles
	})
);
