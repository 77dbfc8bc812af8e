// The jupyter-mlm REST API, one method per endpoint; the transport (ServerConnection in
// JupyterLab) is injected so the client runs anywhere.

import { ApiError, errorMessageFromBody, networkErrorMessage } from './errors.js';
import { buildQuery, segment } from './query.js';
import type {
  Checkpoint,
  CheckpointDiff,
  CheckpointFailure,
  Comment,
  CommentTarget,
  DatasetHistory,
  DatasetVersion,
  Experiment,
  ForkResult,
  Me,
  MetricSeries,
  PageResult,
  RestoreResult,
  Run,
  RunDetail,
  RunQuery
} from './types.js';

/** Sends a request to `mlm/api/<path>` and resolves with the response, whatever its status. */
export type Transport = (path: string, init: RequestInit) => Promise<Response>;

export interface CheckpointPage extends PageResult<Checkpoint> {
  failures: CheckpointFailure[];
}

interface RawPage {
  total?: number;
  next_offset?: number | null;
}

function page<T>(raw: RawPage, items: T[] | undefined, offset: number): PageResult<T> {
  const list = items ?? [];
  return { items: list, total: raw.total ?? offset + list.length, nextOffset: raw.next_offset ?? null };
}

export class MlmClient {
  constructor(private readonly transport: Transport) {}

  /** The JSON answer of one request; failures become an ApiError with a readable message. */
  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const endpoint = path.split('?')[0];
    let response: Response;
    try {
      response = await this.transport(path, init);
    } catch (error) {
      throw new ApiError(0, endpoint, networkErrorMessage(endpoint, error));
    }
    if (!response.ok) {
      let body = '';
      try {
        body = await response.text();
      } catch {
        // the status line alone will do
      }
      throw new ApiError(response.status, endpoint, errorMessageFromBody(response.status, response.statusText, body, endpoint));
    }
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(
        response.status,
        endpoint,
        `The server answered mlm/api/${endpoint} with something that is not JSON: ${text.slice(0, 120)}`
      );
    }
  }

  private send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    return this.request<T>(path, init);
  }

  me(): Promise<Me> {
    return this.request<Me>('me');
  }

  async experiments(): Promise<Experiment[]> {
    const data = await this.request<{ experiments: Experiment[] }>('experiments');
    return data.experiments ?? [];
  }

  async runs(query: RunQuery, offset: number, limit: number): Promise<PageResult<Run>> {
    const q = buildQuery({
      notebook: query.notebook,
      experiment: query.experiment,
      status: query.status,
      filter: query.filter,
      order_by: query.orderBy,
      limit,
      offset
    });
    const data = await this.request<RawPage & { runs: Run[] }>(`runs${q}`);
    return page(data, data.runs, offset);
  }

  run(runId: string): Promise<RunDetail> {
    return this.request<RunDetail>(`runs/${segment(runId)}`);
  }

  metricSeries(runId: string, key: string, points: number): Promise<MetricSeries> {
    return this.request<MetricSeries>(`runs/${segment(runId)}/metrics/${segment(key)}${buildQuery({ points })}`);
  }

  async datasets(notebook: string): Promise<DatasetVersion[]> {
    const data = await this.request<{ datasets: DatasetVersion[] }>(`datasets${buildQuery({ notebook })}`);
    return data.datasets ?? [];
  }

  dataset(name: string): Promise<DatasetHistory> {
    return this.request<DatasetHistory>(`datasets/${segment(name)}`);
  }

  async checkpoints(path: string, offset: number, limit: number): Promise<CheckpointPage> {
    const data = await this.request<RawPage & { checkpoints: Checkpoint[]; failures?: CheckpointFailure[] }>(
      `checkpoints${buildQuery({ path, limit, offset })}`
    );
    return { ...page(data, data.checkpoints, offset), failures: data.failures ?? [] };
  }

  createCheckpoint(path: string, message: string): Promise<Checkpoint> {
    return this.send<Checkpoint>('POST', 'checkpoints', { path, message });
  }

  checkpoint(id: string): Promise<Checkpoint> {
    return this.request<Checkpoint>(`checkpoints/${segment(id)}`);
  }

  /** Diff of checkpoint `id` against the current file ("current") or another checkpoint. */
  diff(id: string, against: string): Promise<CheckpointDiff> {
    return this.request<CheckpointDiff>(`checkpoints/${segment(id)}/diff${buildQuery({ against })}`);
  }

  restore(id: string): Promise<RestoreResult> {
    return this.send<RestoreResult>('POST', `checkpoints/${segment(id)}/restore`);
  }

  fork(id: string, path?: string): Promise<ForkResult> {
    return this.send<ForkResult>('POST', `checkpoints/${segment(id)}/fork`, path ? { path } : {});
  }

  async comments(kind: CommentTarget, id: string): Promise<Comment[]> {
    const data = await this.request<{ comments: Comment[] }>(`comments${buildQuery({ target_kind: kind, target_id: id })}`);
    return data.comments ?? [];
  }

  postComment(kind: CommentTarget, id: string, body: string): Promise<Comment> {
    return this.send<Comment>('POST', 'comments', { target_kind: kind, target_id: id, body });
  }

  deleteComment(commentId: string): Promise<void> {
    return this.send<void>('DELETE', `comments/${segment(commentId)}`);
  }
}
