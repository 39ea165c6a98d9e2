import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { OfferStreamError } from '@offerstream/core';

/** The slice of express' response the filter uses (no @types/express in the workspace). */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

const STATUS: Record<string, number> = { VALIDATION_FAILED: 400, CAMPAIGN_NOT_FOUND: 404, CAMPAIGN_CONFLICT: 409 };

/** Domain errors become 4xx with their message; anything unexpected is a 500 without internals. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<JsonResponse>();
    if (error instanceof HttpException) {
      res.status(error.getStatus()).json(error.getResponse());
      return;
    }
    if (error instanceof OfferStreamError) {
      const status = STATUS[error.code] ?? (error.retriable ? 503 : 500);
      res.status(status).json({ statusCode: status, error: error.code, message: error.message });
      return;
    }
    res.status(500).json({ statusCode: 500, error: 'INTERNAL', message: 'internal error' });
  }
}
