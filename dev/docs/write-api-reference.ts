import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../../shared/adapters/http/openapi';
import { renderApiReference, withApiReference } from './api-reference';

/** `npm run docs:api`: rewrites the generated reference section of docs/api.md. */
const file = path.join(path.resolve(__dirname, '..', '..', '..'), 'docs', 'api.md');
const current = readFileSync(file, 'utf8');
const next = withApiReference(current, renderApiReference(openApiDocument('http://localhost:7071/api')));
if (next === current) console.log('docs/api.md: the reference is up to date');
else {
  writeFileSync(file, next);
  console.log('docs/api.md: reference rewritten');
}
