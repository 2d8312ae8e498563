import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppError, ERROR_KINDS, errorBody } from './app-error';

/** Maps every error leaving a controller to `{ statusCode, code, message, field? }`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof AppError) {
      if (typeof error.details.retryAfterS === 'number')
        response.setHeader('Retry-After', String(error.details.retryAfterS));
      response.status(ERROR_KINDS[error.kind]).json(errorBody(error));
      return;
    }
    if (error instanceof HttpException) {
      const statusCode = error.getStatus();
      const body = error.getResponse();
      const message =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
      response.status(statusCode).json({ statusCode, code: `http_${statusCode}`, message });
      return;
    }
    const clientError = clientErrorStatus(error);
    if (clientError !== undefined) {
      // refused before a controller ran, by the body parser (a body too large, not JSON): the client's fault
      const message = (error as Error).message;
      const { type, limit } = error as Error & { type?: unknown; limit?: unknown };
      if (type === 'entity.too.large' && typeof limit === 'number') {
        // the body parsers' limits (JSON, attached photos): say the limit so the client can act
        response.status(413).json({
          statusCode: 413,
          code: 'request.too_large',
          message: `The body is larger than the limit of ${limit} bytes`,
          limitBytes: limit,
        });
        return;
      }
      response.status(clientError).json({ statusCode: clientError, code: `http_${clientError}`, message });
      return;
    }
    this.logger.error({ err: error }, 'unhandled error');
    response.status(500).json({ statusCode: 500, code: 'internal', message: 'Internal server error' });
  }
}

/** The 4xx status an http-errors error (what body-parser throws) exposes to the client, if any. */
function clientErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { status, expose } = error as Error & { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
