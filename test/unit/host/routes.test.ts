import { compileRoute, matchRoute, RouteTable } from '../../../dev/host/routes';

const match = (template: string, path: string) => matchRoute(compileRoute(template), path);

describe('route templates', () => {
  it('matches literals case-insensitively and captures parameters decoded', () => {
    expect(match('Businesses/{id}', 'businesses/b%201')).toEqual({ id: 'b 1' });
    expect(match('businesses/{id}', 'businesses')).toBeUndefined();
    expect(match('businesses/{id}', 'businesses/1/extra')).toBeUndefined();
    expect(match('businesses/{id}', 'providers/1')).toBeUndefined();
  });

  it('ignores a trailing slash but not an empty middle segment', () => {
    expect(match('a/{b}', 'a/x/')).toEqual({ b: 'x' });
    expect(match('a/{b}/c', 'a//c')).toBeUndefined();
  });

  it('leaves out an absent optional parameter and fills defaults', () => {
    expect(match('echo/{id}/{rest?}', 'echo/1')).toEqual({ id: '1' });
    expect(match('echo/{id}/{rest?}', 'echo/1/two')).toEqual({ id: '1', rest: 'two' });
    expect(match('page/{n:int=1}', 'page')).toEqual({ n: '1' });
    expect(match('page/{n:int=1}', 'page/3')).toEqual({ n: '3' });
  });

  it('applies int, alpha, guid and other constraints; unknown constraints accept anything', () => {
    expect(match('s/{code:int}', 's/201')).toEqual({ code: '201' });
    expect(match('s/{code:int}', 's/-4')).toEqual({ code: '-4' });
    expect(match('s/{code:int}', 's/2x')).toBeUndefined();
    expect(match('s/{code:int}', 's/99999999999')).toBeUndefined();
    expect(match('s/{w:alpha}', 's/abcXYZ')).toEqual({ w: 'abcXYZ' });
    expect(match('s/{w:alpha}', 's/ab1')).toBeUndefined();
    expect(match('s/{g:guid}', 's/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toEqual({ g: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(match('s/{g:guid}', 's/3f2504e0')).toBeUndefined();
    expect(match('s/{n:int:min(10)}', 's/9')).toBeUndefined();
    expect(match('s/{n:int:range(1,5)}', 's/5')).toEqual({ n: '5' });
    expect(match('s/{c:regex(^[a-z]{{2}}$)}', 's/ab')).toEqual({ c: 'ab' });
    expect(match('s/{c:regex(^[a-z]{{2}}$)}', 's/abc')).toBeUndefined();
    expect(match('s/{x:madeup}', 's/anything')).toEqual({ x: 'anything' });
  });

  it('captures the rest of the path in a catch-all, slashes included, and nothing at all', () => {
    expect(match('{*path}', 'a/b/c%20d')).toEqual({ path: 'a/b/c d' });
    expect(match('files/{*path}', 'files')).toEqual({});
    expect(match('{*path}', '')).toEqual({});
  });

  it('matches complex segments anchored by literals', () => {
    expect(match('files/{name}.{ext}', 'files/report.final.pdf')).toEqual({ name: 'report.final', ext: 'pdf' });
    expect(match('files/{name}.{ext}', 'files/report')).toBeUndefined();
  });

  it('rejects malformed templates', () => {
    expect(() => compileRoute('a/{b')).toThrow(/unclosed/);
    expect(() => compileRoute('a/{b-c}')).toThrow(/bad parameter/);
  });
});

describe('route precedence', () => {
  const table = new RouteTable<string>();
  // Registered in the worst order on purpose.
  table.add('{*path}', undefined, 'catchAll');
  table.add('items/{name}', ['GET'], 'byName');
  table.add('items/{id:int}', ['GET'], 'byId');
  table.add('items/new', ['GET'], 'literal');
  table.add('items/{id:int}', ['DELETE'], 'deleteById');
  table.add('health', ['GET'], 'health');

  it('tries literal segments, then constrained parameters, then parameters, then the catch-all', () => {
    expect(table.match('GET', 'items/new')?.target).toBe('literal');
    expect(table.match('GET', 'items/42')).toEqual({ target: 'byId', params: { id: '42' } });
    expect(table.match('GET', 'items/abc')).toEqual({ target: 'byName', params: { name: 'abc' } });
    expect(table.match('GET', 'health')?.target).toBe('health');
    expect(table.match('GET', 'other/thing')).toEqual({ target: 'catchAll', params: { path: 'other/thing' } });
  });

  it('filters by method before choosing', () => {
    expect(table.match('delete', 'items/42')?.target).toBe('deleteById');
    expect(table.match('POST', 'items/42')?.target).toBe('catchAll');
    expect(table.match('POST', 'health')?.target).toBe('catchAll');
  });

  it('returns nothing when no route fits', () => {
    const strict = new RouteTable<string>();
    strict.add('a/{b:int}', ['GET'], 'a');
    expect(strict.match('GET', 'a/x')).toBeUndefined();
    expect(strict.match('PUT', 'a/1')).toBeUndefined();
  });
});
