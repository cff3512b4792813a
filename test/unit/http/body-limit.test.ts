import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { readJsonBody } from '../../../shared/adapters/http/endpoint';
import { AppError } from '../../../shared/app/errors';

/** A request whose body arrives in chunks without a Content-Length (as with HTTP streaming or chunked encoding). */
function chunkedRequest(total: number, chunkSize: number): { request: HttpRequest; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunkSize;
      controller.enqueue(new Uint8Array(chunkSize).fill(32));
    },
  });
  const request = { headers: new Headers({ 'content-type': 'application/json' }), body } as unknown as HttpRequest;
  return { request, pulled: () => pulled };
}

// The endpoint reads MAX_BODY_BYTES (default 64 KiB) from the app settings, which need a storage setting.
process.env.TABLE_STORAGE_CONNECTION_STRING ??= 'UseDevelopmentStorage=true';

describe('reading a request body', () => {
  it('stops at the first chunk past MAX_BODY_BYTES (64 KiB) and answers 413', async () => {
    const { request, pulled } = chunkedRequest(32 * 1024 * 1024, 16 * 1024);
    const error = await readJsonBody(request, z.unknown()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(64 * 1024 + 2 * 16 * 1024);
  });

  it('reads a body up to the limit', async () => {
    const { request } = chunkedRequest(64 * 1024, 16 * 1024);
    await expect(readJsonBody(request, z.unknown())).rejects.toMatchObject({ status: 400 }); // spaces only: not JSON, but read whole
  });
});
