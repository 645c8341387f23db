import type { Case } from '../model/case.js';
import type { CaseFileRef, CaseSelection } from './protocol.js';
import type { CaseIdentity } from './case-result.js';

/** `<suite>/<id>`; before the case is read, the file name stands in for the id. */
export function identify(ref: CaseFileRef, data?: Case): CaseIdentity {
  const id = data?.id ?? ref.display.split('/').pop()!.replace(/\.case\.(json|ya?ml)$/, '');
  return { suite: ref.suite, key: `${ref.suite}/${id}`, file: ref.display };
}

/** Compiles a selection once into a predicate over loaded cases. */
export function createSelector(selection: CaseSelection): (key: string, data: Case) => boolean {
  const tags = selection.tags && selection.tags.length > 0 ? new Set(selection.tags) : undefined;
  const filter = selection.filter ? compileFilter(selection.filter) : undefined;
  return (key, data) => {
    if (tags && !(data.tags ?? []).some((t) => tags.has(t))) return false;
    if (filter && !filter(key) && !filter(data.title)) return false;
    return true;
  };
}

function compileFilter(filter: string): (text: string) => boolean {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(filter);
  if (regex) {
    const pattern = new RegExp(regex[1]!, regex[2]);
    return (text) => pattern.test(text);
  }
  const needle = filter.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}
