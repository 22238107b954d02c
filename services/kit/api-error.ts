/**
 * The project's error, as every API answers it:
 * `{"error": "validation_failed", "message": "...", "code": 400, "details": {...}}`.
 * `error` is a stable machine code, `code` the HTTP status.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly error: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): { error: string; message: string; code: number; details?: Record<string, unknown> } {
    return {
      error: this.error,
      message: this.message,
      code: this.status,
      ...(this.details ? { details: this.details } : {}),
    };
  }

  static fromJSON(body: {
    error: string;
    message: string;
    code: number;
    details?: Record<string, unknown>;
  }): ApiError {
    return new ApiError(body.error, body.code, body.message, body.details);
  }
}

/**
 * Invalid input, wherever it is found: always `validation_failed`, always
 * naming the field at fault (`body` when the whole request is, a path such as
 * `settings.maxMembers` or `members[2]` inside it).
 */
export const validationFailed = (message: string, details: { field: string } & Record<string, unknown>) =>
  new ApiError('validation_failed', 400, message, details);
