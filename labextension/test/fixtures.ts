// Builders of API objects for the tests: only the fields a test cares about are given.
import type { Checkpoint, DiffCell, MetricSummary, Run } from '../src/panel/api/types.js';

export function summary(last: number | null): MetricSummary {
  return { last, min: last, max: last, count: last === null ? 0 : 1, last_step: 0 };
}

export function run(id: string, fields: Partial<Run> & { loss?: number | null; acc?: number } = {}): Run {
  const { loss, acc, ...rest } = fields;
  const metrics: Run['metrics'] = {};
  if (loss !== undefined) {
    metrics.loss = summary(loss);
  }
  if (acc !== undefined) {
    metrics.acc = summary(acc);
  }
  return {
    run_id: id,
    name: id,
    experiment: 'exp',
    experiment_id: 'e1',
    status: 'finished',
    start_time: 1000,
    end_time: 1010,
    user: 'ada',
    params: {},
    tags: {},
    metrics,
    ...rest
  };
}

export function checkpoint(id: string, fields: Partial<Checkpoint> = {}): Checkpoint {
  return {
    checkpoint_id: id,
    path: 'nb.ipynb',
    repo: '',
    kind: 'notebook',
    author: 'ada',
    author_name: 'Ada Lovelace',
    created_at: 1000,
    message: null,
    size: 100,
    outputs_shared: true,
    omitted_outputs: 0,
    git: { state: 'ok', commit: 'a1b2c3d4e5f6a7b8c9d0', branch: 'main', dirty: false, detail: null },
    datasets_state: 'ok',
    datasets: [],
    runs: [],
    error: null,
    restored_from: null,
    comment_count: 0,
    ...fields
  };
}

export function cell(fields: Partial<DiffCell>): DiffCell {
  return {
    status: 'unchanged',
    base_index: 0,
    remote_index: 0,
    cell_type: 'code',
    source_base: '',
    source_remote: '',
    outputs_changed: false,
    ...fields
  };
}
