/** Suite names and case ids: what the case schema allows, and nothing that could leave `suites/`. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Why `value` cannot be a suite name or case id, or undefined when it can. Names become folder and file
 * names under `suites/`, so slashes, `..` and anything outside `[a-z0-9._-]` are refused.
 */
export function nameProblem(kind: 'suite' | 'id', value: string): string | undefined {
  const label = kind === 'suite' ? 'suite name' : 'case id';
  if (value.includes('/') || value.includes('\\')) return `${label} "${value}" must not contain slashes`;
  if (value.includes('..')) return `${label} "${value}" must not contain ".."`;
  if (!NAME.test(value)) return `${label} "${value}" must start with a lower-case letter or digit and use only a-z, 0-9, ".", "_" and "-" (at most 128 characters)`;
  return undefined;
}

/** A case id from free text: lower case, words joined by `-`, at most 60 characters, cut at a word boundary. */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents go, their letters stay
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 60) break;
    slug = next;
  }
  return slug || (words[0] ?? '').slice(0, 60) || 'case';
}
