/**
 * Azure Functions route templates (ASP.NET attribute-routing syntax) and their inbound precedence, so a
 * request reaches the same function locally as in Azure: `items/new` beats `items/{id:int}` beats
 * `items/{id}` beats `{*path}`, whatever order the functions were registered in.
 */

type Constraint = (value: string) => boolean;

interface ParamPart {
  kind: 'param';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: Constraint[];
}

type Part = { kind: 'literal'; text: string } | ParamPart;

interface Segment {
  parts: Part[];
}

export interface CompiledRoute {
  template: string;
  segments: Segment[];
  /** One digit per segment: literal 1, complex 2, constrained parameter 3, parameter 4, catch-all 5. */
  precedence: number[];
}

export interface RouteMatch<T> {
  target: T;
  params: Record<string, string>;
}

const INT32 = { min: -2147483648, max: 2147483647 };
const isInteger = (value: string) => /^-?\d+$/.test(value);

/** Constraints the Functions host (ASP.NET routing) knows; an unknown one constrains nothing. */
function constraintFor(spec: string): Constraint | undefined {
  const call = /^(\w+)(?:\((.*)\))?$/s.exec(spec);
  if (!call) return undefined;
  const name = call[1]!.toLowerCase();
  const args = call[2] === undefined ? [] : name === 'regex' ? [call[2]] : call[2].split(',').map((a) => a.trim());
  const num = (i: number) => Number(args[i]);
  switch (name) {
    case 'int':
      return (v) => isInteger(v) && Number(v) >= INT32.min && Number(v) <= INT32.max;
    case 'long':
      return (v) => isInteger(v) && v.replace(/^-/, '').length <= 19;
    case 'alpha':
      return (v) => /^[a-z]+$/i.test(v);
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'guid':
      return (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(/^[{(].*[})]$/.test(v) ? v.slice(1, -1) : v);
    case 'decimal':
    case 'double':
    case 'float':
      return (v) => /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v);
    case 'datetime':
      return (v) => !Number.isNaN(Date.parse(v));
    case 'min':
      return (v) => isInteger(v) && Number(v) >= num(0);
    case 'max':
      return (v) => isInteger(v) && Number(v) <= num(0);
    case 'range':
      return (v) => isInteger(v) && Number(v) >= num(0) && Number(v) <= num(1);
    case 'minlength':
      return (v) => v.length >= num(0);
    case 'maxlength':
      return (v) => v.length <= num(0);
    case 'length':
      return args.length === 2 ? (v) => v.length >= num(0) && v.length <= num(1) : (v) => v.length === num(0);
    case 'regex': {
      const pattern = new RegExp((args[0] ?? '').replace(/\{\{/g, '{').replace(/\}\}/g, '}'), 'i');
      return (v) => pattern.test(v);
    }
    default:
      return undefined;
  }
}

/** Splits `name:int:min(1)` on the colons that are outside parentheses. */
function splitConstraints(body: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of body) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ':' && depth === 0) {
      pieces.push(current);
      current = '';
    } else current += char;
  }
  pieces.push(current);
  return pieces;
}

function parseParam(body: string, template: string): ParamPart {
  const [first = '', ...specs] = splitConstraints(body);
  let head = first;
  let catchAll = false;
  if (head.startsWith('**')) [catchAll, head] = [true, head.slice(2)];
  else if (head.startsWith('*')) [catchAll, head] = [true, head.slice(1)];
  let defaultValue: string | undefined;
  // `?` and `=default` may follow the name or the last constraint.
  let last = specs.length > 0 ? specs[specs.length - 1]! : head;
  const optional = last.endsWith('?');
  if (optional) last = last.slice(0, -1);
  const eq = last.indexOf('=');
  if (eq >= 0 && !/^regex\(/i.test(last)) [last, defaultValue] = [last.slice(0, eq), last.slice(eq + 1)];
  if (specs.length > 0) specs[specs.length - 1] = last;
  else head = last;
  if (!/^\w+$/.test(head)) throw new Error(`Route "${template}": bad parameter "{${body}}"`);
  const constraints = specs.map(constraintFor).filter((c): c is Constraint => c !== undefined);
  return { kind: 'param', name: head, optional, catchAll, defaultValue, constraints };
}

function parseSegment(text: string, template: string): Segment {
  const parts: Part[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '{' && text[i + 1] !== '{') {
      let depth = 0;
      let end = i + 1;
      for (; end < text.length; end += 1) {
        if (text[end] === '(') depth += 1;
        else if (text[end] === ')') depth -= 1;
        else if (text[end] === '}' && depth === 0) break;
      }
      if (end >= text.length) throw new Error(`Route "${template}": unclosed "{"`);
      parts.push(parseParam(text.slice(i + 1, end), template));
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !(text[i] === '{' && text[i + 1] !== '{'))
        i += (text[i] === '{' || text[i] === '}') && text[i + 1] === text[i] ? 2 : 1;
      parts.push({ kind: 'literal', text: text.slice(start, i).replace(/\{\{/g, '{').replace(/\}\}/g, '}') });
    }
  }
  return { parts };
}

function precedenceDigit(segment: Segment): number {
  if (segment.parts.length > 1) return 2;
  const part = segment.parts[0]!;
  if (part.kind === 'literal') return 1;
  if (part.catchAll) return 5;
  return part.constraints.length > 0 ? 3 : 4;
}

export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map((text) => parseSegment(text, template));
  return { template: trimmed, segments, precedence: segments.map(precedenceDigit) };
}

/** Negative when `a` must be tried before `b` (ASP.NET's inbound precedence, then the template text). */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.precedence[i];
    const y = b.precedence[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x !== y) return x - y;
  }
  return a.template.toLowerCase().localeCompare(b.template.toLowerCase());
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function matchSegment(segment: Segment, text: string, params: Record<string, string>): boolean {
  const [only] = segment.parts;
  if (segment.parts.length === 1 && only) {
    if (only.kind === 'literal') return only.text.toLowerCase() === decode(text).toLowerCase();
    return acceptParam(only, decode(text), params);
  }
  // Complex segment such as `{name}.{ext}`: literals anchor the parameters; like ASP.NET, the last
  // literal wins (`a.b.pdf` -> name `a.b`, ext `pdf`), hence greedy captures.
  const source = segment.parts
    .map((part) => (part.kind === 'literal' ? part.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '(.+)'))
    .join('');
  const found = new RegExp(`^${source}$`, 'i').exec(decode(text));
  if (!found) return false;
  let group = 1;
  return segment.parts.every((part) => part.kind === 'literal' || acceptParam(part, found[group++] ?? '', params));
}

function acceptParam(part: ParamPart, value: string, params: Record<string, string>): boolean {
  if (!part.constraints.every((accepts) => accepts(value))) return false;
  params[part.name] = value;
  return true;
}

/** Matches a path below the route prefix (no leading slash needed); undefined when it does not fit. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const texts = trimmed === '' ? [] : trimmed.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i += 1) {
    const segment = route.segments[i]!;
    const single = segment.parts.length === 1 ? segment.parts[0] : undefined;
    if (single?.kind === 'param' && single.catchAll) {
      const rest = texts.slice(i).join('/');
      if (rest === '') {
        if (single.defaultValue !== undefined) params[single.name] = single.defaultValue;
        return params;
      }
      return acceptParam(single, decode(rest), params) ? params : undefined;
    }
    const text = texts[i];
    if (text === undefined || text === '') {
      // Missing trailing segments are fine only when every remaining one is optional or has a default.
      const remaining = route.segments.slice(i);
      const fillable = remaining.every(
        (s) =>
          s.parts.length === 1 &&
          s.parts[0]!.kind === 'param' &&
          (s.parts[0]!.optional || s.parts[0]!.defaultValue !== undefined || s.parts[0]!.catchAll),
      );
      if (!fillable || text === '') return undefined;
      for (const s of remaining) {
        const part = s.parts[0] as ParamPart;
        if (part.defaultValue !== undefined) params[part.name] = part.defaultValue;
      }
      return params;
    }
    if (!matchSegment(segment, text, params)) return undefined;
  }
  return texts.length === route.segments.length ? params : undefined;
}

/** Routes kept in precedence order; the first that fits the path and allows the method wins. */
export class RouteTable<T> {
  private readonly entries: Array<{ route: CompiledRoute; methods?: string[]; target: T }> = [];

  add(template: string, methods: string[] | undefined, target: T): void {
    this.entries.push({ route: compileRoute(template), methods: methods?.map((m) => m.toUpperCase()), target });
    this.entries.sort((a, b) => comparePrecedence(a.route, b.route));
  }

  match(method: string, path: string): RouteMatch<T> | undefined {
    for (const entry of this.entries) {
      if (entry.methods && !entry.methods.includes(method.toUpperCase())) continue;
      const params = matchRoute(entry.route, path);
      if (params) return { target: entry.target, params };
    }
    return undefined;
  }

  templates(): string[] {
    return this.entries.map((entry) => entry.route.template);
  }
}
