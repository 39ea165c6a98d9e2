import { ForbiddenException, type ArgumentsHost } from '@nestjs/common';
import { OfferStreamError, TransientError, ValidationError } from '@offerstream/core';
import { HttpErrorFilter } from './http-error.filter';

/** Runs the filter on `error` and returns what it answered. */
function answer(error: unknown): { status: number; body: unknown } {
  const sent = { status: 0, body: undefined as unknown };
  const res = { status: (s: number) => ((sent.status = s), { json: (b: unknown) => (sent.body = b) }) };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new HttpErrorFilter(256).catch(error, host);
  return sent;
}

describe('HttpErrorFilter', () => {
  it('answers domain errors with a 4xx by their code and their message', () => {
    expect(answer(new ValidationError('userId is required'))).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'VALIDATION_FAILED', message: 'userId is required' },
    });
    expect(answer(new OfferStreamError('CAMPAIGN_NOT_FOUND', 'no campaign x')).status).toBe(404);
    expect(answer(new OfferStreamError('CAMPAIGN_CONFLICT', 'version moved')).status).toBe(409);
    expect(answer(new TransientError('REDIS_DOWN', 'timeout')).status).toBe(503);
  });

  it('passes HTTP exceptions through and names the body limit on a too-large body', () => {
    expect(answer(new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'no' }))).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'no' },
    });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(answer(tooLarge)).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: 'request body larger than the 256 kB limit' },
    });
  });

  it('hides the internals of anything unexpected behind a 500', () => {
    expect(answer(new Error('connection string redis://user:secret@host'))).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'INTERNAL', message: 'internal error' },
    });
  });
});
