/**
 * The OpenAPI document read into what the API reference page shows. The document is `unknown`: every
 * field is checked before use, so an unexpected shape gives a thinner page, never an exception.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface FieldView {
  name: string;
  type: string;
  required: boolean;
  description: string | undefined;
}

export interface ParameterView {
  name: string;
  in: string;
  required: boolean;
  type: string;
  description: string | undefined;
}

export interface MediaView {
  mediaType: string;
  /** The schema's name when it is a $ref to components.schemas. */
  schemaName: string | undefined;
  type: string;
  fields: FieldView[];
}

export interface ResponseView {
  status: string;
  description: string;
  media: MediaView[];
}

export interface OperationView {
  anchor: string;
  method: string;
  path: string;
  summary: string | undefined;
  description: string | undefined;
  deprecated: boolean;
  /** null: no token needed; otherwise the schemes (and scopes) any one of which suffices. */
  security: string[] | null;
  parameters: ParameterView[];
  requestBody: { required: boolean; description: string | undefined; media: MediaView[] } | null;
  responses: ResponseView[];
}

export interface ApiView {
  title: string;
  version: string | undefined;
  description: string | undefined;
  operations: OperationView[];
}

/** The target of a local `#/components/...` reference, or undefined. */
function resolveRef(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** `value` with its $ref followed (a few levels at most, in case of a loop). */
function deref(doc: Json, value: unknown): unknown {
  let node = value;
  for (let i = 0; i < 5 && isObject(node) && typeof node.$ref === 'string'; i++) {
    node = resolveRef(doc, node.$ref);
  }
  return node;
}

const refName = (value: unknown): string | undefined => {
  const ref = isObject(value) ? str(value.$ref) : undefined;
  return ref ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
};

/** A schema's type in a few words: `string (date-time)`, `array of Verdict`, `A | B`. */
export function typeOf(doc: Json, schema: unknown, depth = 0): string {
  if (depth > 3) return '…';
  const name = refName(schema);
  if (name) return name;
  if (!isObject(schema)) return 'any';
  for (const combinator of ['oneOf', 'anyOf', 'allOf'] as const) {
    const parts = schema[combinator];
    if (Array.isArray(parts) && parts.length > 0) {
      return parts.map((p) => typeOf(doc, p, depth + 1)).join(combinator === 'allOf' ? ' & ' : ' | ');
    }
  }
  if (Array.isArray(schema.enum)) {
    return `one of ${schema.enum
      .slice(0, 12)
      .map((v) => JSON.stringify(v))
      .join(', ')}${schema.enum.length > 12 ? ', …' : ''}`;
  }
  let type = Array.isArray(schema.type)
    ? schema.type.filter((t) => typeof t === 'string').join(' | ')
    : (str(schema.type) ?? (isObject(schema.properties) ? 'object' : 'any'));
  if (type === 'array') type = `array of ${typeOf(doc, schema.items, depth + 1)}`;
  const format = str(schema.format);
  if (format) type += ` (${format})`;
  if (schema.nullable === true) type += ' | null';
  return type;
}

/** The top-level fields of a schema, its $ref resolved one level (allOf parts merged). */
export function fieldsOf(doc: Json, schema: unknown): FieldView[] {
  const resolved = deref(doc, schema);
  if (!isObject(resolved)) return [];
  const parts = Array.isArray(resolved.allOf) ? resolved.allOf.map((p) => deref(doc, p)) : [resolved];
  const out: FieldView[] = [];
  for (const part of parts) {
    if (!isObject(part) || !isObject(part.properties)) continue;
    const required = Array.isArray(part.required) ? part.required.filter((r) => typeof r === 'string') : [];
    for (const [name, property] of Object.entries(part.properties)) {
      if (out.some((f) => f.name === name)) continue;
      const described = isObject(property) ? property : {};
      out.push({
        name,
        type: typeOf(doc, property),
        required: required.includes(name),
        description:
          str(described.description) ?? str((deref(doc, property) as Json | undefined)?.description),
      });
    }
  }
  return out;
}

function mediaOf(doc: Json, content: unknown): MediaView[] {
  if (!isObject(content)) return [];
  return Object.entries(content).map(([mediaType, media]) => {
    const schema = isObject(media) ? media.schema : undefined;
    return {
      mediaType,
      schemaName: refName(schema),
      type: typeOf(doc, schema),
      fields: fieldsOf(doc, schema),
    };
  });
}

function parametersOf(doc: Json, ...lists: unknown[]): ParameterView[] {
  const out: ParameterView[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      if (!isObject(p)) continue;
      const name = str(p.name) ?? '?';
      const where = str(p.in) ?? '?';
      const view = {
        name,
        in: where,
        required: p.required === true || where === 'path',
        type: typeOf(doc, p.schema),
        description: str(p.description) ?? str((deref(doc, p.schema) as Json | undefined)?.description),
      };
      // an operation's parameter overrides the path item's of the same name and place
      const same = out.findIndex((o) => o.name === name && o.in === where);
      if (same >= 0) out[same] = view;
      else out.push(view);
    }
  }
  return out;
}

function securityOf(doc: Json, operation: Json): string[] | null {
  const requirements = Array.isArray(operation.security) ? operation.security : doc.security;
  if (!Array.isArray(requirements) || requirements.length === 0) return null;
  const alternatives: string[] = [];
  for (const requirement of requirements) {
    if (!isObject(requirement)) continue;
    const names = Object.entries(requirement).map(([scheme, scopes]) =>
      Array.isArray(scopes) && scopes.length > 0 ? `${scheme} (${scopes.join(', ')})` : scheme,
    );
    // an empty requirement {} means "or no token at all"
    if (names.length === 0) return null;
    alternatives.push(names.join(' and '));
  }
  return alternatives.length > 0 ? alternatives : null;
}

const anchorOf = (method: string, path: string): string =>
  `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

/** The document as the reference page lists it: every path, every method, in the document's order. */
export function readApi(document: unknown): ApiView {
  const doc = isObject(document) ? document : {};
  const info = isObject(doc.info) ? doc.info : {};
  const operations: OperationView[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  const anchors = new Set<string>();
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    if (!isObject(item)) continue;
    // in the document's order, methods only (a path item also holds parameters, summary, servers…)
    for (const method of Object.keys(item).filter((k) => (METHODS as readonly string[]).includes(k))) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      let anchor = anchorOf(method, path);
      while (anchors.has(anchor)) anchor += '-';
      anchors.add(anchor);
      const body = deref(doc, operation.requestBody);
      const responses = isObject(operation.responses) ? operation.responses : {};
      operations.push({
        anchor,
        method: method.toUpperCase(),
        path,
        summary: str(operation.summary),
        description: str(operation.description),
        deprecated: operation.deprecated === true,
        security: securityOf(doc, operation),
        parameters: parametersOf(doc, item.parameters, operation.parameters),
        requestBody: isObject(body)
          ? {
              required: body.required === true,
              description: str(body.description),
              media: mediaOf(doc, body.content),
            }
          : null,
        responses: Object.entries(responses).map(([status, raw]) => {
          const response = deref(doc, raw);
          const r = isObject(response) ? response : {};
          return { status, description: str(r.description) ?? '', media: mediaOf(doc, r.content) };
        }),
      });
    }
  }
  return {
    title: str(info.title) ?? 'API',
    version: str(info.version),
    description: str(info.description),
    operations,
  };
}

/** Roles named in a summary such as "… (admin or oncall)": the API states them there. */
export function rolesIn(summary: string | undefined): string | undefined {
  const match = summary
    ? /\(((?:admin|oncall|verifier)(?:(?:, | or | and )(?:admin|oncall|verifier))*)\)/.exec(summary)
    : null;
  return match?.[1];
}
