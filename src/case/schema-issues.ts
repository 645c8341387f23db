import { toPointer, parsePointer } from './json-pointer.js';
import caseSchema from '../../schema/case.schema.json' with { type: 'json' };

/** One problem found in a file, at a place named by a JSON pointer. */
export interface SchemaIssue {
  pointer: string;
  message: string;
}

/** The subset of an ajv error this module reads (generated validators produce the same shape). */
export interface AjvLikeError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * Turns ajv's errors into issues a person can act on: the pointer names the offending property itself
 * (not its parent), duplicates are dropped, and the branch noise of `oneOf` is left out when a more
 * specific error explains the same place.
 */
export function issuesFromAjv(errors: readonly AjvLikeError[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const specificPlaces = new Set(errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map((e) => e.instancePath));
  for (const error of errors) {
    if ((error.keyword === 'oneOf' || error.keyword === 'anyOf') && hasMoreSpecific(error.instancePath, specificPlaces)) continue;
    const issue = describe(error);
    const key = issue.pointer + '\u0000' + issue.message;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function hasMoreSpecific(place: string, places: Set<string>): boolean {
  for (const p of places) if (p === place || p.startsWith(place + '/')) return true;
  return false;
}

function describe(error: AjvLikeError): SchemaIssue {
  const at = error.instancePath;
  const p = error.params;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      return { pointer: child(at, name), message: `unknown property "${name}" (check its spelling against the case format)` };
    }
    case 'required': {
      const name = String(p['missingProperty']);
      return { pointer: child(at, name), message: `missing required property "${name}"` };
    }
    case 'enum':
      return { pointer: at, message: `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { pointer: at, message: `must be ${JSON.stringify(p['allowedValue'])}` };
    case 'discriminator': {
      const tag = String(p['tag']);
      const tagValue = p['tagValue'];
      const known = knownTags(at, tag);
      const message =
        p['error'] === 'mapping'
          ? `unknown ${tag} ${JSON.stringify(tagValue)}${known ? `; expected one of ${known.join(', ')}` : ''}`
          : `"${tag}" must be a string naming the kind of entry${known ? ` (${known.join(', ')})` : ''}`;
      return { pointer: child(at, tag), message };
    }
    case 'type':
      return { pointer: at, message: `must be ${String(p['type'])}` };
    default:
      return { pointer: at, message: error.message ?? error.keyword };
  }
}

function child(pointer: string, name: string): string {
  return toPointer([...parsePointer(pointer), name]);
}

type SchemaNode = { $ref?: string; oneOf?: SchemaNode[]; properties?: Record<string, { const?: unknown }> };

/** The values a tagged entry may have, read from the case schema, for the place an error points at. */
function knownTags(pointer: string, tag: string): string[] | undefined {
  const defs = (caseSchema as { $defs: Record<string, SchemaNode> }).$defs;
  const defName = /^\/assertions\/\d+$/.test(pointer)
    ? 'assertion'
    : /^\/timeline\/\d+$/.test(pointer)
      ? 'event'
      : /^\/replay\/(tools\/[^/]+|defaultTool)$/.test(pointer)
        ? 'toolPolicy'
        : undefined;
  const branches = defName ? defs[defName]?.oneOf : undefined;
  if (!branches) return undefined;
  const values = branches.map((branch) => {
    const target = branch.$ref ? defs[branch.$ref.replace('#/$defs/', '')] : branch;
    return target?.properties?.[tag]?.const;
  });
  return values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}
