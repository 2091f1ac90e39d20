import { RemoteError, type CliErrorOptions } from '../errors.js';
import type { HeaderReader } from './transport.js';

/**
 * The HTTP core's typed errors. Each carries what --debug shows (the request id a server gave) and never a
 * credential: URLs are reduced to their path, request headers and bodies are not kept.
 */

/** Why a request got no answer. */
export type NetworkFailure = 'refused' | 'timeout' | 'reset' | 'dns' | 'tls' | 'other';

export class NetworkError extends RemoteError {
  readonly failure: NetworkFailure;
  /** The platform's code (ECONNREFUSED, UND_ERR_SOCKET...), when there is one (`code` is the stable ERR_ code). */
  readonly systemCode: string | undefined;
  /** The lowest-level message, such as "connect ECONNREFUSED 127.0.0.1:8080". */
  readonly detail: string;
  readonly host: string;
  readonly method: string;
  readonly path: string;

  constructor(
    message: string,
    fields: {
      failure: NetworkFailure;
      systemCode?: string | undefined;
      detail: string;
      host: string;
      method: string;
      path: string;
    },
    options: CliErrorOptions = {},
  ) {
    super(message, options);
    this.failure = fields.failure;
    this.systemCode = fields.systemCode;
    this.detail = fields.detail;
    this.host = fields.host;
    this.method = fields.method;
    this.path = fields.path;
  }

  /** Whether the server may have done the work although no answer came (the request may have been sent). */
  get outcomeUnknown(): boolean {
    return this.failure !== 'refused' && this.failure !== 'dns' && this.failure !== 'tls';
  }
}

/** No answer (or not all of it) within the request's time limit. */
export class RequestTimeoutError extends NetworkError {
  readonly timeoutMs: number;
  constructor(
    message: string,
    fields: ConstructorParameters<typeof NetworkError>[1] & { timeoutMs: number },
    options: CliErrorOptions = {},
  ) {
    super(message, fields, options);
    this.timeoutMs = fields.timeoutMs;
  }
}

/** The response body was longer than the request allows; the rest was not read. */
export class ResponseTooLargeError extends RemoteError {
  readonly maxBytes: number;
  constructor(message: string, fields: { maxBytes: number; status: number }, options: CliErrorOptions = {}) {
    super(message, { ...options, status: fields.status });
    this.maxBytes = fields.maxBytes;
  }
}

/**
 * An answer with an error status, as the server described it: Okta's errorCode / errorSummary / errorCauses, or
 * OAuth's error / error_description, or Auth0's errorCode / message.
 */
export class HttpStatusError extends RemoteError {
  override readonly status: number;
  readonly method: string;
  /** The request URL without query string. */
  readonly url: string;
  readonly path: string;
  /** The server's error code: Okta's errorCode (E0000047), OAuth's error, Auth0's errorCode. */
  readonly errorCode: string | undefined;
  readonly errorSummary: string | undefined;
  readonly errorCauses: Array<{ errorSummary?: string }>;
  readonly headers: HeaderReader;
  /** The parsed JSON body, when it was JSON. */
  readonly body: unknown;

  constructor(
    message: string,
    fields: {
      status: number;
      method: string;
      url: string;
      headers: HeaderReader;
      body: unknown;
      requestId?: string | undefined;
    },
    options: CliErrorOptions = {},
  ) {
    const described = describeErrorBody(fields.body);
    super(message, {
      ...(described.code ? { remoteCode: described.code } : {}),
      ...options,
      status: fields.status,
      ...(fields.requestId ? { requestId: fields.requestId } : {}),
    });
    this.status = fields.status;
    this.method = fields.method;
    this.url = fields.url;
    this.path = pathOf(fields.url);
    this.headers = fields.headers;
    this.body = fields.body;
    this.errorCode = described.code;
    this.errorSummary = described.summary;
    this.errorCauses = described.causes;
  }
}

function describeErrorBody(body: unknown): {
  code?: string;
  summary?: string;
  causes: Array<{ errorSummary?: string }>;
} {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { causes: [] };
  const record = body as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const code = text(record.errorCode) ?? text(record.error);
  const summary = text(record.errorSummary) ?? text(record.error_description) ?? text(record.message);
  const causes = Array.isArray(record.errorCauses)
    ? (record.errorCauses as unknown[])
        .map((c) =>
          c && typeof c === 'object' ? { errorSummary: text((c as Record<string, unknown>).errorSummary) } : {},
        )
        .map((c) => (c.errorSummary ? { errorSummary: c.errorSummary } : {}))
    : [];
  return { ...(code ? { code } : {}), ...(summary ? { summary } : {}), causes };
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
