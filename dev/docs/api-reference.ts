/**
 * Renders the reference section of docs/api.md from the served OpenAPI document, so the prose contract
 * and the schemas that validate requests cannot drift apart. `npm run docs:api` writes it between the
 * markers; test/unit/architecture/api-reference.test.ts fails when the committed section is stale.
 */

export const REFERENCE_BEGIN = '<!-- BEGIN GENERATED REFERENCE: npm run docs:api -->';
export const REFERENCE_END = '<!-- END GENERATED REFERENCE -->';

type Json = Record<string, unknown>;
interface Schema extends Json {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: Schema | boolean;
  description?: string;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Json> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The markdown between the markers, markers included. */
export function renderApiReference(openApi: object): string {
  const document = openApi as Document;
  const lines: string[] = [REFERENCE_BEGIN, '', '## Reference (generated from the OpenAPI document)', ''];
  lines.push(
    'Generated from `GET /api/openapi.json` (the zod schemas in `shared/adapters/http/schemas`) by `npm run docs:api`; do not edit by hand.',
    '',
  );
  lines.push('### Credentials', '', '| name | what |', '| --- | --- |');
  for (const [name, scheme] of Object.entries(document.components?.securitySchemes ?? {})) {
    lines.push(`| \`${name}\` | ${cell(String(scheme.description ?? ''))} |`);
  }
  lines.push('', '### Endpoints', '');
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) lines.push(...renderOperation(method, path, operation));
    }
  }
  lines.push('### Schemas', '');
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) lines.push(...renderSchema(name, schema));
  lines.push(REFERENCE_END);
  return lines.join('\n');
}

/** Replaces the generated section of `markdown` (between the markers) with `reference`. */
export function withApiReference(markdown: string, reference: string): string {
  const begin = markdown.indexOf(REFERENCE_BEGIN);
  const end = markdown.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) throw new Error('docs/api.md lacks the generated reference markers');
  return markdown.slice(0, begin) + reference + markdown.slice(end + REFERENCE_END.length);
}

function renderOperation(method: string, path: string, operation: Operation): string[] {
  const lines = [`#### \`${method.toUpperCase()} ${path}\``, ''];
  if (operation.summary) lines.push(`${operation.summary}.`.replace(/\.\.$/, '.'), '');
  if (operation.description) lines.push(operation.description, '');
  lines.push(`- Credentials: ${credentials(operation.security)}`);
  for (const parameter of operation.parameters ?? []) {
    const notes = [parameter.required ? 'required' : 'optional', ...constraints(parameter.schema ?? {})];
    const description = parameter.description ?? parameter.schema?.description;
    lines.push(
      `- ${parameter.in} \`${parameter.name}\`: ${typeOf(parameter.schema ?? {})} (${notes.join('; ')})${description ? `. ${description}` : ''}`,
    );
  }
  const body = operation.requestBody;
  if (body) {
    const [mediaType, content] = Object.entries(body.content ?? {})[0] ?? [];
    lines.push(
      `- Body (${body.required ? 'required' : 'optional'}, \`${mediaType}\`): ${content?.schema ? typeOf(content.schema) : 'any'}`,
    );
  }
  lines.push('- Responses:');
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const [mediaType, content] = Object.entries(response.content ?? {})[0] ?? [];
    const shape = content?.schema ? ` ${typeOf(content.schema)} as \`${mediaType}\`` : mediaType ? ` \`${mediaType}\`` : '';
    lines.push(`  - \`${status}\` ${response.description ?? ''}${shape ? `:${shape}` : ''}`);
  }
  lines.push('');
  return lines;
}

function credentials(security: Operation['security']): string {
  if (!security || security.length === 0) return 'none';
  return security
    .map(
      (requirement) =>
        Object.keys(requirement)
          .map((name) => `\`${name}\``)
          .join(' + ') || 'anonymous',
    )
    .join(' or ');
}

function renderSchema(name: string, schema: Schema): string[] {
  const lines = [`<a id="${anchor(name)}"></a>`, `#### ${name}`, ''];
  if (schema.description) lines.push(schema.description, '');
  const rows = propertyRows(schema, '');
  if (rows.length === 0) {
    lines.push(`${typeOf(schema)}${suffix(constraints(schema))}`, '');
    return lines;
  }
  if (!schema.properties) lines.push(`${typeOf(schema)}, with:`, '');
  lines.push('| field | type | required | rules |', '| --- | --- | --- | --- |', ...rows, '');
  return lines;
}

/** One row per property, nested objects flattened to dotted paths (`consumer.name`). */
function propertyRows(schema: Schema, prefix: string): string[] {
  const parts = schema.allOf ?? [schema];
  return parts.flatMap((part) => {
    const required = new Set(part.required ?? []);
    return Object.entries(part.properties ?? {}).flatMap(([key, property]) => {
      const path = `${prefix}${key}`;
      const rules = [...constraints(property), ...(property.description ? [property.description] : [])];
      const row = `| \`${path}\` | ${cell(typeOf(property))} | ${required.has(key) ? 'yes' : 'no'} | ${cell(rules.join('; '))} |`;
      const nested = property.properties ? property : property.items?.properties ? property.items : undefined;
      return [row, ...(nested ? propertyRows(nested, nested === property ? `${path}.` : `${path}[].`) : [])];
    });
  });
}

function typeOf(schema: Schema): string {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() ?? schema.$ref;
    return `[${name}](#${anchor(name)})`;
  }
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' or ');
  if (schema.allOf) return schema.allOf.map(typeOf).join(' and ');
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const named = types.map((type) => {
    if (type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
    if (type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      return `map of ${typeOf(schema.additionalProperties)}`;
    }
    return type;
  });
  return named.length > 0 ? named.join(' or ') : 'any';
}

function constraints(schema: Schema): string[] {
  const out: string[] = [];
  const range = (low: unknown, high: unknown, unit: string): void => {
    if (low !== undefined && high !== undefined) out.push(`${unit}${String(low)}-${String(high)}`);
    else if (low !== undefined) out.push(`${unit}at least ${String(low)}`);
    else if (high !== undefined) out.push(`${unit}at most ${String(high)}`);
  };
  range(schema.minimum, schema.maximum, '');
  range(schema.minLength, schema.maxLength, 'length ');
  range(schema.minItems, schema.maxItems, 'items ');
  if (typeof schema.format === 'string') out.push(`format ${schema.format}`);
  if (typeof schema.pattern === 'string') out.push(`pattern \`${schema.pattern}\``);
  if ('default' in schema) out.push(`default \`${JSON.stringify(schema.default)}\``);
  return out;
}

function suffix(rules: string[]): string {
  return rules.length > 0 ? ` (${rules.join('; ')})` : '';
}

function anchor(name: string): string {
  return `schema-${name.toLowerCase()}`;
}

/** Table cells: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
