// The shapes of the jupyter-mlm REST API (issue #5's contract), as the panel reads them.

/** Summary of one metric of a run. */
export interface MetricSummary {
  last: number | null;
  min: number | null;
  max: number | null;
  count: number;
  last_step: number | null;
}

export interface Run {
  run_id: string;
  name: string;
  experiment: string;
  experiment_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  user: string;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  metrics: Record<string, MetricSummary>;
  error?: string | null;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  created_at: number;
  lifecycle: string;
  run_count: number;
}

export interface Me {
  username: string;
  display_name: string;
  source: 'jupyter' | 'git' | 'os';
}

export interface MetricSeries {
  key: string;
  steps: number[];
  values: number[];
  times: number[];
  total_points: number;
  downsampled: boolean;
}

export interface DatasetVersion {
  name: string;
  content_id: string;
  kind: string;
  source: string;
  bytes: number | null;
  file_count: number | null;
  created_at: number;
  runs: string[];
}

export interface DatasetHistory {
  name: string;
  versions: Omit<DatasetVersion, 'name'>[];
}

export type GitState = 'ok' | 'pending' | 'none' | 'error' | 'timeout';

export interface CheckpointGit {
  state: GitState;
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
  detail: string | null;
}

export interface CheckpointDataset {
  content_id: string;
  name: string | null;
  source: string | null;
  origin: 'run' | 'metadata';
}

export interface CheckpointRun {
  run_id: string;
  name: string;
  status: string;
}

export interface Checkpoint {
  checkpoint_id: string;
  path: string;
  repo: string | null;
  kind: 'notebook' | 'file';
  author: string;
  author_name: string | null;
  created_at: number;
  message: string | null;
  size: number | null;
  outputs_shared: boolean;
  omitted_outputs: number;
  git: CheckpointGit | null;
  datasets_state: 'ok' | 'pending' | 'error' | 'timeout';
  datasets: CheckpointDataset[];
  runs: CheckpointRun[];
  error: string | null;
  restored_from: string | null;
  comment_count: number;
}

export interface CheckpointFailure {
  path: string;
  time: number;
  error: string;
}

export type CellStatus = 'added' | 'removed' | 'modified' | 'unchanged';

export interface DiffCell {
  status: CellStatus;
  base_index: number | null;
  remote_index: number | null;
  cell_type: string;
  source_base: string | null;
  source_remote: string | null;
  outputs_changed: boolean;
}

export interface CheckpointDiff {
  base: string;
  remote: string;
  diff: unknown[];
  cells: DiffCell[];
}

export interface RestoreResult {
  path: string;
  restored: string;
  undo_checkpoint: Checkpoint;
}

export interface ForkResult {
  path: string;
  checkpoint: Checkpoint;
}

export type CommentTarget = 'run' | 'checkpoint' | 'model' | 'experiment';

export interface Comment {
  comment_id: string;
  target_kind: CommentTarget;
  target_id: string;
  author: string;
  author_name: string | null;
  body: string;
  created_at: number;
}

/** One page of a paginated list, whatever the list is called in the response. */
export interface PageResult<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

/** Filters of `GET runs`. */
export interface RunQuery {
  notebook?: string;
  experiment?: string;
  status?: string;
  filter?: string;
  orderBy?: string;
}
