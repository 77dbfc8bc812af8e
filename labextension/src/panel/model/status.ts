// Run statuses as badges.

export interface StatusBadge {
  label: string;
  /** modifier of the `jp-mlm-badge` class: running | finished | failed | crashed | other */
  tone: 'running' | 'finished' | 'failed' | 'crashed' | 'other';
  title: string;
}

const BADGES: Record<string, StatusBadge> = {
  running: { label: 'running', tone: 'running', title: 'Training: refreshed every few seconds' },
  finished: { label: 'finished', tone: 'finished', title: 'Finished normally' },
  failed: { label: 'failed', tone: 'failed', title: 'Ended with an exception' },
  crashed: {
    label: 'crashed',
    tone: 'crashed',
    title: 'The kernel or process died while the run was going'
  },
  killed: { label: 'killed', tone: 'crashed', title: 'Stopped by an interrupt or signal' }
};

/** The badge of a run status; unknown statuses keep their own word. */
export function statusBadge(status: string | null | undefined): StatusBadge {
  const key = (status ?? '').toLowerCase();
  return BADGES[key] ?? { label: key || 'unknown', tone: 'other', title: `Status: ${key || 'unknown'}` };
}

/** True while some run still trains: the list then refreshes itself. */
export function anyRunning(runs: ReadonlyArray<{ status: string }>): boolean {
  return runs.some(r => r.status.toLowerCase() === 'running');
}
