/**
 * The repository carries its own contract: every file a tracked file points to (markdown links, paths in
 * comments and docs) lies inside the repository and exists. A reference to the design notes the project
 * started from (outside the repository) or to a file that was renamed away fails here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');
const trackedFiles = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
const tracked = new Set(trackedFiles);
const trackedDirs = new Set(
  trackedFiles.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);

const SCANNED = /\.(ts|js|md|json|ya?ml|bicep|bicepparam|csproj)$|^\.ci\/run$/;
/** Generated files, and the tests whose fixtures are deliberately files that do not exist. */
const NOT_SCANNED = new Set([
  'package-lock.json',
  'test/unit/architecture/repo-references.test.ts',
  'test/unit/architecture/import-rules.test.ts',
]);
/** Build outputs, local data and local settings: mentioned by path, created by scripts, never tracked. */
const GENERATED = /^(dist|\.deploy|\.data|\.tools|node_modules|coverage|test-results)(\/|$)|(^|\/)local\.settings\.json$/;
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<
  string,
  Record<string, string> | undefined
>;
/** Paths inside installed packages (`durable-functions/package.json`). */
const PACKAGES = new Set([...Object.keys(packageJson.dependencies ?? {}), ...Object.keys(packageJson.devDependencies ?? {})]);

/** Markdown links with a relative target: `[text](target)`. */
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;
/** Path-like mentions of repository files in prose and comments: `a/b.ts`, `../x.md`, `API.md`. */
const FILE_MENTION = /(?<![\w@:/.-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w-][\w.-]*\.(?:md|ts|js|json|bicep|ya?ml))(?![\w/-])/g;

interface Finding {
  file: string;
  line: number;
  reference: string;
  problem: string;
}

/** Where `reference` (from `file`) leads, relative to the repo; undefined when it leaves the repository. */
function resolveInRepo(file: string, reference: string, base: 'file' | 'root'): string | undefined {
  const from = base === 'file' ? path.posix.dirname(file) : '';
  const target = path.posix.normalize(path.posix.join(from, reference));
  return target.startsWith('../') || target === '..' || path.posix.isAbsolute(target) ? undefined : target.replace(/\/$/, '');
}

function exists(target: string): boolean {
  if (GENERATED.test(target)) return true;
  return tracked.has(target) || trackedDirs.has(target) || target === '.';
}

/** A mention like `modules/roles.bicep` (relative to a folder the text is about) names the end of a tracked path. */
function endsATrackedPath(mention: string): boolean {
  if (mention.startsWith('.')) return false;
  return trackedFiles.some((file) => file === mention || file.endsWith(`/${mention}`));
}

function check(file: string, line: number, reference: string, kind: 'link' | 'mention'): Finding | undefined {
  const clean = reference.split('#')[0]!.split('?')[0]!;
  if (clean === '' || /^[a-z][a-z0-9+.-]*:/i.test(reference) || clean.includes('*') || clean.includes('<')) return undefined;
  if (clean.startsWith('/')) return { file, line, reference, problem: 'absolute path outside the repository' };
  const fromFile = resolveInRepo(file, clean, 'file');
  const fromRoot = kind === 'mention' ? resolveInRepo(file, clean, 'root') : undefined;
  if (fromFile === undefined && fromRoot === undefined) return { file, line, reference, problem: 'points outside the repository' };
  if ((fromFile !== undefined && exists(fromFile)) || (fromRoot !== undefined && exists(fromRoot))) return undefined;
  if (
    kind === 'mention' &&
    (endsATrackedPath(clean) || PACKAGES.has(clean.split('/')[0]!) || PACKAGES.has(clean.split('/').slice(0, 2).join('/')))
  )
    return undefined;
  return { file, line, reference, problem: 'no such file in the repository' };
}

function findings(): Finding[] {
  const out: Finding[] = [];
  for (const file of trackedFiles) {
    if (!SCANNED.test(file) || NOT_SCANNED.has(file)) continue;
    const lines = readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (/\/work\/|\.\.\/shared\/[A-Z]/.test(text))
        out.push({ file, line: index + 1, reference: text.trim(), problem: 'points outside the repository' });
      for (const match of file.endsWith('.md') ? text.matchAll(MARKDOWN_LINK) : []) {
        const finding = check(file, index + 1, match[1]!, 'link');
        if (finding) out.push(finding);
      }
      for (const match of text.matchAll(FILE_MENTION)) {
        if (/^[\w.-]+\.(ts|js|json|ya?ml|bicep)$/.test(match[1]!)) continue; // a bare code file name is a name, not a path
        const finding = check(file, index + 1, match[1]!, 'mention');
        if (finding) out.push(finding);
      }
    });
  }
  return out;
}

describe('references inside the repository', () => {
  it('every link and file mention in tracked files points to a file of the repository', () => {
    expect(findings().map((f) => `${f.file}:${f.line}: ${f.reference} (${f.problem})`)).toEqual([]);
  });

  it('catches a link outside the repository and a mention of a missing file', () => {
    expect(check('README.md', 1, '../shared/API.md', 'link')?.problem).toBe('points outside the repository');
    expect(check('shared/app/errors.ts', 1, 'API.md', 'mention')?.problem).toBe('no such file in the repository');
    expect(check('shared/app/errors.ts', 1, 'docs/api.md', 'mention')).toBeUndefined();
    expect(check('docs/architecture.md', 1, 'decisions.md#d8', 'link')).toBeUndefined();
  });
});
