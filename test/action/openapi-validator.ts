import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Checks HTTP requests (and the fake's own responses) against GitHub's published OpenAPI description from
 * `@octokit/openapi`, so a wrong route, a missing parameter or a malformed body fails a test.
 * The description is 13 MB: build one validator per test file; schemas are compiled per operation on first use.
 */
export class GitHubOpenApi {
  private readonly spec: OpenApiDoc;
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, coerceTypes: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; regex: RegExp; names: string[]; literals: number }[] = [];

  constructor() {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDoc;
    for (const [template, item] of Object.entries(this.spec.paths)) {
      const names: string[] = [];
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
      for (const method of Object.keys(item)) {
        if (['get', 'post', 'patch', 'put', 'delete'].includes(method)) {
          this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${pattern}$`), names, literals });
        }
      }
    }
    // Most literal segments first, so `/issues/comments/{id}` wins over `/issues/{issue_number}`.
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  /** Finds the documented operation for a method and URL path. */
  match(method: string, pathname: string): { template: string; params: Record<string, string>; operation: Operation } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(pathname);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const operation = this.spec.paths[route.template]![route.method.toLowerCase()] as Operation;
      return { template: route.template, params, operation };
    }
    return undefined;
  }

  /** Every way a request departs from the description: unknown route, bad path/query parameter, bad JSON body. */
  validateRequest(method: string, url: URL, body: unknown): string[] {
    const found = this.match(method, url.pathname);
    if (!found) return [`${method} ${url.pathname} is not an operation in GitHub's REST API`];
    const where = `${method} ${found.template}`;
    const problems: string[] = [];
    const parameters = (found.operation.parameters ?? []).map((p) => this.resolve(p) as Parameter);
    const query = Object.fromEntries(url.searchParams);
    for (const p of parameters) {
      const raw = p.in === 'path' ? found.params[p.name] : p.in === 'query' ? query[p.name] : undefined;
      if (raw === undefined) {
        if (p.required && p.in !== 'header') problems.push(`${where}: missing required ${p.in} parameter ${p.name}`);
        continue;
      }
      const value = coerce(raw, p.schema);
      const validate = this.compile(`${where} param ${p.name}`, p.schema);
      if (!validate(value)) problems.push(`${where}: ${p.in} parameter ${p.name}=${raw} ${this.ajv.errorsText(validate.errors)}`);
    }
    for (const name of Object.keys(query)) {
      if (!parameters.some((p) => p.in === 'query' && p.name === name)) problems.push(`${where}: unknown query parameter ${name}`);
    }
    const requestBody = found.operation.requestBody ? (this.resolve(found.operation.requestBody) as RequestBody) : undefined;
    const bodySchema = requestBody?.content?.['application/json']?.schema;
    if (bodySchema) {
      if (body === undefined) {
        if (requestBody?.required) problems.push(`${where}: a JSON body is required`);
      } else {
        const validate = this.compile(`${where} body`, bodySchema);
        if (!validate(body)) problems.push(`${where}: body ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
      }
    } else if (body !== undefined) {
      problems.push(`${where}: takes no body`);
    }
    return problems;
  }

  /** Checks the fake's own answer against the documented response, so the fake stays realistic. */
  validateResponse(method: string, pathname: string, status: number, body: unknown): string[] {
    const found = this.match(method, pathname);
    if (!found) return [`${method} ${pathname}: no such operation`];
    const response = found.operation.responses?.[String(status)];
    // Any endpoint may answer 401 "Bad credentials"; the description leaves it out of each operation.
    if (!response && status === 401) return [];
    if (!response) return [`${method} ${found.template}: status ${status} is not documented`];
    const schema = (this.resolve(response) as ResponseObject).content?.['application/json']?.schema;
    if (!schema) return [];
    const validate = this.compile(`${method} ${found.template} ${status}`, schema);
    return validate(body) ? [] : [`${method} ${found.template} ${status}: ${this.ajv.errorsText(validate.errors, { dataVar: 'response' })}`];
  }

  private compile(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.resolve(schema) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Inlines local `$ref`s (the operations used here have no cycles; depth is capped anyway). */
  private resolve(node: unknown, depth = 0): unknown {
    if (depth > 40 || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((n) => this.resolve(n, depth + 1));
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.spec);
      return this.resolve(target, depth + 1);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'examples' || k === 'example' ? v : this.resolve(v, depth + 1)]));
  }
}

/** Path and query values arrive as strings; the description types them. */
function coerce(raw: string, schema: unknown): unknown {
  const type = (schema as { type?: string } | undefined)?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, unknown>>;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: unknown;
}
interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: unknown }>;
}
interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}
