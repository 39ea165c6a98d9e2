import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { OfferStreamError } from '@offerstream/core';

/** The slice of express' response the filter uses (no @types/express in the workspace). */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Body-parser's errors (413 too large, 400 bad JSON, 415 charset) carry an HTTP status and a safe message. */
interface ParserError {
  status: number;
  expose: boolean;
  type?: string;
  message: string;
}

function statusOf(error: OfferStreamError): number {
  if (error.code === 'VALIDATION_FAILED') return 400;
  if (error.code.endsWith('NOT_FOUND')) return 404;
  if (error.code.endsWith('CONFLICT')) return 409;
  return error.retriable ? 503 : 500;
}

const isParserError = (e: unknown): e is ParserError =>
  typeof e === 'object' &&
  e !== null &&
  'status' in e &&
  'expose' in e &&
  e.expose === true &&
  typeof e.status === 'number' &&
  e.status >= 400 &&
  e.status < 500;

/**
 * Every service's errors as `{statusCode, error, message}`: HTTP exceptions as thrown, domain errors as 4xx with
 * their code and message, request-parsing errors with their own status, anything else a 500 without internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly bodyLimitKb?: number) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<JsonResponse>();
    if (error instanceof HttpException) {
      res.status(error.getStatus()).json(error.getResponse());
      return;
    }
    if (error instanceof OfferStreamError) {
      const status = statusOf(error);
      res.status(status).json({ statusCode: status, error: error.code, message: error.message });
      return;
    }
    if (isParserError(error)) {
      const tooLarge = error.type === 'entity.too.large';
      const message =
        tooLarge && this.bodyLimitKb !== undefined
          ? `request body larger than the ${this.bodyLimitKb} kB limit`
          : error.message;
      res
        .status(error.status)
        .json({ statusCode: error.status, error: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST_BODY', message });
      return;
    }
    res.status(500).json({ statusCode: 500, error: 'INTERNAL', message: 'internal error' });
  }
}
