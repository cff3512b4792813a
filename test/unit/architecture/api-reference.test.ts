/** docs/api.md's reference section is what `npm run docs:api` generates from the served OpenAPI document. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REFERENCE_BEGIN, REFERENCE_END, renderApiReference, withApiReference } from '../../../dev/docs/api-reference';
import { openApiDocument } from '../../../shared/adapters/http/openapi';

const apiDoc = path.resolve(__dirname, '../../../docs/api.md');

describe('docs/api.md generated reference', () => {
  const document = openApiDocument('http://localhost:7071/api') as { paths: Record<string, Record<string, unknown>> };
  const reference = renderApiReference(document);

  it('is up to date with the OpenAPI document (run `npm run docs:api` after a schema change)', () => {
    const markdown = readFileSync(apiDoc, 'utf8');
    expect(withApiReference(markdown, reference)).toBe(markdown);
  });

  it('documents every operation of the OpenAPI document', () => {
    const operations = Object.entries(document.paths).flatMap(([route, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
        .map((method) => `#### \`${method.toUpperCase()} ${route}\``),
    );
    expect(operations.length).toBeGreaterThan(25);
    for (const heading of operations) expect(reference).toContain(heading);
  });

  it('replaces only what lies between the markers', () => {
    const markdown = `intro\n${REFERENCE_BEGIN}\nstale\n${REFERENCE_END}\noutro\n`;
    expect(withApiReference(markdown, `${REFERENCE_BEGIN}\nnew\n${REFERENCE_END}`)).toBe(
      `intro\n${REFERENCE_BEGIN}\nnew\n${REFERENCE_END}\noutro\n`,
    );
    expect(() => withApiReference('no markers', reference)).toThrow(/markers/);
  });
});
