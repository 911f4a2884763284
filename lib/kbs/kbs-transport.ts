import { REDACTED } from '../exec/redact.ts';

/** One admin call to KBS. `bodySummary` describes the body for records without its bytes. */
export interface KbsRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** path below the KBS root, including the API prefix: /kbs/v0/resource/default/key/x */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  bodySummary: string;
}

export interface KbsResponse {
  status: number;
  body: string;
}

/** How the admin client reaches KBS: over HTTP, or recorded for a dry run. */
export interface KbsTransport {
  send(request: KbsRequest): Promise<KbsResponse>;
}

export class HttpKbsTransport implements KbsTransport {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async send(request: KbsRequest): Promise<KbsResponse> {
    const url = new URL(request.path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' ? undefined : new Uint8Array(request.body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  }
}

/** A call as a dry run records it: the bearer token and any body bytes are never kept. */
export interface RecordedKbsCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  bodySummary: string;
}

/** Records every call instead of sending it, and answers 200 as KBS would. */
export class RecordingKbsTransport implements KbsTransport {
  readonly calls: RecordedKbsCall[] = [];

  async send(request: KbsRequest): Promise<KbsResponse> {
    this.calls.push({
      method: request.method,
      path: request.path,
      headers: redactHeaders(request.headers),
      bodySummary: request.bodySummary,
    });
    return { status: 200, body: '' };
  }
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name.toLowerCase() === 'authorization' ? `${value.split(' ', 1)[0]} ${REDACTED}` : value;
  }
  return out;
}
