// The shapes of the jupyter-mlm REST API as the panel reads them: the names the panel uses for
// the types generated from ../jupyter_mlm/server/openapi.yaml (`npm run gen:api` writes
// schema.d.ts; `npm run check:api` fails when it is out of date), plus the panel's own types.

import type { components, operations } from './schema.js';

type Schemas = components['schemas'];

/** The JSON body of an operation's answer with HTTP status `Status`. */
type Answer<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = operations[Op]['responses'][Status] extends {
  content: { 'application/json': infer T };
}
  ? T
  : never;

/** Summary of one metric of a run. */
export type MetricSummary = Schemas['MetricSummary'];

/** A run as `GET runs` lists it. */
export type Run = Schemas['Run'];

/** A run as `GET runs/{run_id}` answers: with its error and datasets. */
export type RunDetail = Schemas['RunDetail'];

export type Experiment = Schemas['Experiment'];

export type Me = Schemas['Me'];

export type MetricSeries = Schemas['MetricSeries'];

export type DatasetVersion = Schemas['DatasetVersion'];

/** `GET datasets/{name}`: every version of one dataset name. */
export type DatasetHistory = Answer<'getDataset', 200>;

export type Checkpoint = Schemas['Checkpoint'];

export type CheckpointGit = Checkpoint['git'];

export type GitState = CheckpointGit['state'];

export type CheckpointDataset = Checkpoint['datasets'][number];

/** A run a checkpoint links to; name and status are null once the run is deleted. */
export type CheckpointRun = Checkpoint['runs'][number];

/** A save that could not be checkpointed. */
export type CheckpointFailure = Schemas['Failure'];

export type DiffCell = Schemas['DiffCell'];

export type CellStatus = DiffCell['status'];

export type CheckpointDiff = Schemas['Diff'];

/** `POST checkpoints/{id}/restore`; `undo_checkpoint` is null when there was no file to save first. */
export type RestoreResult = Answer<'restoreCheckpoint', 200>;

/** `POST checkpoints/{id}/fork`. */
export type ForkResult = Answer<'forkCheckpoint', 201>;

export type CommentTarget = Schemas['TargetKind'];

export type Comment = Schemas['Comment'];

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
