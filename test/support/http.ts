/** A JSON response: status and parsed body (and, where asked for, the headers). */
export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers?: Headers;
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<JsonResponse<T>> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

export function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  return sendJson<T>('POST', url, body, headers);
}

export function putJson<T = Record<string, unknown>>(url: string, body: unknown): Promise<JsonResponse<T>> {
  return sendJson<T>('PUT', url, body);
}

async function sendJson<T>(
  method: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}
