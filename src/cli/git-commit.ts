import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The commit checked out in `cwd`, read from `.git` directly: spawning git would cost more than the rest of a
 * small run's start-up. `GITHUB_SHA` wins when set, as on a CI runner.
 */
export function readGitCommit(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['GITHUB_SHA']) return env['GITHUB_SHA'];
  for (let dir = cwd; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) return headOf(dotGit);
    if (dirname(dir) === dir) return undefined;
  }
}

function headOf(dotGit: string): string | undefined {
  try {
    let gitDir = dotGit;
    if (statSync(dotGit).isFile()) {
      // A worktree or submodule: `.git` is a file naming the real git dir.
      const target = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (!target) return undefined;
      gitDir = isAbsolute(target) ? target : resolve(dirname(dotGit), target);
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    const commonFile = join(gitDir, 'commondir');
    const common = existsSync(commonFile) ? resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
    for (const base of [gitDir, common]) {
      const loose = join(base, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) return readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
  } catch {
    // unreadable: no commit is recorded
  }
  return undefined;
}
