"""Check system metrics on a GPU machine: a run sampled every 0.5 s around a CUDA workload.

    python3 benchmarks/gpu_check.py [--seconds 20] [--store DIR]

Needs torch with CUDA, numpy, psutil and nvidia-ml-py, and jupyter-mlm's own dependencies
(SQLAlchemy, blake3...; this repository is put on sys.path). Prints what NVML sees (driver,
GPUs, MIG mode), which GPUs the run sampled and why, per ``sys/gpu*`` series the number of
samples and min / mean / max, the notices, the sampler thread's CPU share, and a last line
``PASS`` (each sampled GPU has utilisation and memory series, and utilisation rose above 0
during the workload) or ``FAIL``. Exit status 0 on PASS, 1 on FAIL, 2 when there is no GPU
to check (after printing why). The workload ramps: idle, then ever larger matrix products on
ever more memory on every visible GPU, then idle again, so utilisation, memory and power move.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INTERVAL = "0.5"


def nvml_facts() -> str | None:
    """Print what NVML sees, as nvidia-smi would; returns why there is no NVML, else None."""
    try:
        import pynvml as nv
    except ImportError:
        return "the nvidia-ml-py package is not installed"
    try:
        nv.nvmlInit()
    except Exception as error:
        return f"NVML is not available ({type(error).__name__}: {error})"
    try:
        facts(nv)
    except Exception as error:  # facts are for reading; the check goes on
        print(f"  (could not read every fact: {type(error).__name__}: {error})")
    return None


def facts(nv: Any) -> None:
    cuda = nv.nvmlSystemGetCudaDriverVersion()
    print(f"driver {nv.nvmlSystemGetDriverVersion()}, CUDA {cuda // 1000}.{cuda % 1000 // 10}")
    for i in range(nv.nvmlDeviceGetCount()):
        h = nv.nvmlDeviceGetHandleByIndex(i)
        try:
            mig = "on" if nv.nvmlDeviceGetMigMode(h)[0] else "off"
        except nv.NVMLError:
            mig = "n/a"
        mem = nv.nvmlDeviceGetMemoryInfo(h)
        print(
            f"  NVML GPU {i}: {nv.nvmlDeviceGetName(h)} {nv.nvmlDeviceGetUUID(h)}, "
            f"{mem.total / 2**30:.0f} GiB, MIG {mig}"
        )
    for name in ("CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "NVIDIA_VISIBLE_DEVICES"):
        print(f"  {name}={os.environ.get(name, '(unset)')}")


def workload(seconds: float, run: Any) -> dict[str, float]:
    """Idle, four phases of growing matmuls on growing memory on every visible GPU, idle;
    logs a loss each step (the training thread logs while the sampler samples)."""
    import torch

    devices = [torch.device("cuda", i) for i in range(torch.cuda.device_count())]
    rest = max(0.5, seconds * 0.1)
    phases = 4
    busy = (seconds - 2 * rest) / phases
    spent: dict[str, float] = {}
    time.sleep(rest)
    held: list[Any] = []
    step = 0
    for phase in range(phases):
        n = 2048 << phase if phase < 3 else 8192  # 2k, 4k, 8k, 8k matmuls
        for d in devices:  # a quarter more of free memory each phase, up to ~half
            free, _ = torch.cuda.mem_get_info(d)
            held.append(torch.empty(int(free * 0.15), dtype=torch.uint8, device=d).fill_(1))
        mats = [(torch.randn(n, n, device=d), torch.randn(n, n, device=d)) for d in devices]
        end = time.monotonic() + busy
        t0 = time.monotonic()
        while time.monotonic() < end:
            for a, b in mats:
                torch.mm(a, b)
            for d in devices:
                torch.cuda.synchronize(d)
            run.log(loss=1.0 / (step + 1), step=step)
            step += 1
        spent[f"phase {phase + 1} ({n}x{n})"] = time.monotonic() - t0
    del held, mats
    torch.cuda.empty_cache()
    time.sleep(rest)
    return spent


def summary(values: Any) -> str:
    return f"n={len(values):3d} min={values.min():9.1f} mean={values.mean():9.1f} max={values.max():9.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0, help="length of the workload")
    ap.add_argument("--store", help="store folder (default: a temporary one)")
    args = ap.parse_args()
    os.environ["MLM_SYSTEM_METRICS"] = "1"
    os.environ["MLM_SYSTEM_METRICS_INTERVAL"] = INTERVAL

    print("## NVML")
    no_nvml = nvml_facts()
    if no_nvml:
        print(f"  {no_nvml}")
    try:
        import torch

        cuda = torch.cuda.is_available()
        print(
            f"## torch {torch.__version__}: CUDA {'available' if cuda else 'not available'}, "
            f"{torch.cuda.device_count() if cuda else 0} device(s)"
        )
        for i in range(torch.cuda.device_count() if cuda else 0):
            print(f"  cuda:{i} {torch.cuda.get_device_name(i)}")
    except ImportError:
        cuda = False
        print("## torch is not installed")

    import jupyter_mlm as mlm
    from jupyter_mlm.system.sampler import shared_sampler

    with tempfile.TemporaryDirectory(prefix="mlm-gpu-check-") as tmp:
        mlm.set_store(args.store or tmp)
        run = mlm.start_run("gpu-check", params={"seconds": args.seconds, "interval": INTERVAL})
        t0 = time.monotonic()
        if cuda and not no_nvml:
            print(f"## workload: {args.seconds:g} s on every visible GPU")
            for phase, took in workload(args.seconds, run).items():
                print(f"  {phase}: {took:.1f} s")
        else:
            time.sleep(1.5)  # long enough for the sampler to say what it can't do
        run.finish()
        wall = time.monotonic() - t0
        return report(
            mlm.get_run(run.run_id),
            shared_sampler().thread_cpu_seconds,
            wall,
            gpu_expected=bool(cuda and not no_nvml),
        )


def report(view: Any, sampler_cpu: float, wall: float, gpu_expected: bool) -> int:
    system = view.context.get("system", {})
    print("## sampled")
    print(f"  interval {system.get('interval')} s, driver {system.get('driver')}")
    print(f"  GPUs chosen: {system.get('gpu_selection')}")
    for gpu in system.get("gpus", []):
        print(
            f"    {gpu['key']}: {gpu['name']} {gpu['uuid']} (NVML index {gpu['nvml_index']}"
            + (f", MIG GPU instance {gpu['mig_gpu_instance']}" if "mig_gpu_instance" in gpu else "")
            + ")"
        )
    keys = sorted(view.metrics)
    for key in keys:
        if key.startswith("sys/"):
            print(f"  {key:32s} {summary(view.history(key)[1])}")
    print("## notices")
    for line in system.get("notices", []) or ["(none)"]:
        print(f"  {line}")
    share = 100 * sampler_cpu / wall if wall else 0.0
    print(
        f"## sampler thread: {sampler_cpu:.3f} CPU s over {wall:.1f} s = {share:.3f} % of one "
        f"core (bar at 1 Hz: <= 0.5 %; this check samples at {INTERVAL} s)"
    )
    if not gpu_expected:
        print(
            "FAIL: no GPU to check here (needs an NVIDIA GPU, its driver and torch with "
            "CUDA); the notice above is what a run on this machine records"
        )
        return 2
    problems = []
    gpus = system.get("gpus", [])
    if not gpus:
        problems.append("no GPU was sampled")
    for gpu in gpus:
        prefix = f"sys/{gpu['key']}/"
        util = next(
            (
                prefix + k
                for k in ("util_percent", "sm_active_percent")
                if prefix + k in view.metrics
            ),
            None,
        )
        if util is None:
            problems.append(f"{gpu['key']}: no utilisation series")
        elif view.history(util)[1].max() <= 0:
            problems.append(f"{gpu['key']}: utilisation never above 0 during the workload")
        if prefix + "mem_used_mb" not in view.metrics:
            problems.append(f"{gpu['key']}: no memory series")
    if problems:
        print("FAIL: " + "; ".join(problems))
        return 1
    print(
        f"PASS: {len(gpus)} GPU(s) sampled with utilisation and memory; utilisation rose "
        "during the workload"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
