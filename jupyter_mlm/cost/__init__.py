"""What a run cost and how it could cost less, from its own samples.

``settings`` reads the price table (``[cost]`` in ``mlm.toml``, ``MLM_COST_HOURLY``,
``MLM_MACHINE_TYPE``, ``MLM_COST_SHARE``), ``default_prices`` is the table of common cloud
instance types used when the configuration names none, ``metadata`` asks the cloud which
machine this is, ``pricing`` turns these into the description recorded with a run when it
starts, ``run_cost`` prices a run from what is stored (duration, the recorded description,
its ``sys/`` samples) and ``advise`` with ``rightsizing`` and ``gpu_time`` reads the samples
for advice. This package knows runs only as a ``RunRecord``; tracking builds one from a run.
"""

from __future__ import annotations

#: every amount is in this currency (the default table's, and what ``[cost]`` prices mean)
CURRENCY = "USD"
