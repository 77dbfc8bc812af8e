import { describe, expect, it } from 'vitest';
import { MlmClient } from '../src/panel/api/client.js';
import { ApiError, describeError, errorMessageFromBody } from '../src/panel/api/errors.js';
import { buildQuery } from '../src/panel/api/query.js';

function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A client whose transport records requests and answers with `answer`. */
function client(answer: (path: string, init: RequestInit) => Response | Promise<Response>) {
  const sent: Array<{ path: string; init: RequestInit }> = [];
  const c = new MlmClient(async (path, init) => {
    sent.push({ path, init });
    return answer(path, init);
  });
  return { c, sent };
}

describe('error messages', () => {
  it("uses jupyter_server's JSON message and reason", () => {
    expect(errorMessageFromBody(400, 'Bad Request', '{"message": "unknown field foo", "reason": null}', 'runs')).toBe(
      'unknown field foo [400 Bad Request]'
    );
    expect(errorMessageFromBody(403, '', '{"message": "not your checkpoint", "reason": "forbidden"}', 'checkpoints/x')).toBe(
      'not your checkpoint (forbidden) [403 Forbidden]'
    );
  });

  it('explains a 404 without JSON as a missing server extension', () => {
    const msg = errorMessageFromBody(404, 'Not Found', '<html><title>404: Not Found</title></html>', 'runs');
    expect(msg).toContain('did not answer at mlm/api/runs');
    expect(msg).toContain('jupyter server extension list');
  });

  it('keeps the API’s own 404 message and falls back to the status line', () => {
    expect(errorMessageFromBody(404, 'Not Found', '{"message": "no checkpoint \'ab\'"}', 'checkpoints/ab')).toBe(
      "no checkpoint 'ab' [404 Not Found]"
    );
    expect(errorMessageFromBody(500, 'Internal Server Error', 'Traceback…', 'runs')).toBe('500 Internal Server Error');
    expect(errorMessageFromBody(404, 'Not Found', '{"message": "Not Found", "reason": null}', 'x')).toContain('did not answer');
  });

  it('describes anything thrown in one line', () => {
    expect(describeError(new ApiError(500, 'runs', 'db locked'))).toBe('db locked');
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ code: 1 })).toBe('{"code":1}');
  });
});

describe('client', () => {
  it('builds query strings without empty values', () => {
    expect(buildQuery({ notebook: 'a b/c.ipynb', filter: '', status: undefined, limit: 10, offset: 0 })).toBe(
      '?notebook=a%20b%2Fc.ipynb&limit=10&offset=0'
    );
    expect(buildQuery({ x: null })).toBe('');
  });

  it('reads a page of runs with its total and next offset', async () => {
    const { c, sent } = client(() => json({ runs: [{ run_id: 'r1' }], total: 7, next_offset: 1 }));
    const page = await c.runs({ notebook: 'nb.ipynb', orderBy: 'metrics.loss ASC' }, 0, 1);
    expect(page).toEqual({ items: [{ run_id: 'r1' }], total: 7, nextOffset: 1 });
    expect(sent[0].path).toBe('runs?notebook=nb.ipynb&order_by=metrics.loss%20ASC&limit=1&offset=0');
  });

  it('reads checkpoints with the recording failures', async () => {
    const { c, sent } = client(() =>
      json({ checkpoints: [], total: 0, next_offset: null, failures: [{ path: 'nb.ipynb', time: 1, error: 'disk full' }] })
    );
    const page = await c.checkpoints('dir/nb.ipynb', 100, 50);
    expect(page.nextOffset).toBeNull();
    expect(page.failures[0].error).toBe('disk full');
    expect(sent[0].path).toBe('checkpoints?path=dir%2Fnb.ipynb&limit=50&offset=100');
  });

  it('posts JSON bodies and accepts 204 answers', async () => {
    const { c, sent } = client((_path, init) => (init.method === 'DELETE' ? json(null, 204) : json({ comment_id: 'k1' }, 201)));
    const comment = await c.postComment('checkpoint', 'c1', 'looks good');
    expect(comment.comment_id).toBe('k1');
    expect(sent[0].init.method).toBe('POST');
    expect(JSON.parse(String(sent[0].init.body))).toEqual({ target_kind: 'checkpoint', target_id: 'c1', body: 'looks good' });
    await expect(c.deleteComment('k/1')).resolves.toBeUndefined();
    expect(sent[1].path).toBe('comments/k%2F1');
  });

  it('turns error answers and network failures into ApiErrors', async () => {
    const failing = client(() => json({ message: 'database is locked', reason: null }, 500)).c;
    await expect(failing.me()).rejects.toMatchObject({
      status: 500,
      endpoint: 'me',
      message: 'database is locked [500 Internal Server Error]'
    });
    const offline = new MlmClient(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await offline.experiments().catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toContain('Could not reach the Jupyter server');
  });
});
