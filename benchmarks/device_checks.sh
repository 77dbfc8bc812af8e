#!/bin/bash
# Device checks, one call: jupyter-mlm's missing deps from .whl, then the GPU check of system
# metrics (every GPU, and CUDA_VISIBLE_DEVICES by UUID prefix), the sampler benchmark, and the
# loop benchmarks on a quiet machine.
cd "$(dirname "$0")/.."
# On a machine where only torch, numpy, psutil and nvidia-ml-py are installed: put wheels of the
# other dependencies in .whl/ first, e.g. `python3 -m pip download --no-deps --only-binary=:all:
# --python-version 3.12 --platform manylinux2014_x86_64 -d .whl sqlalchemy alembic mako blake3
# gitpython gitdb smmap`. LOCAL=1 uses the current environment instead.
export PYTHONUNBUFFERED=1
PY=${PY:-python3}
log() { echo; echo "## $*"; }
log machine; $PY --version; nproc
$PY -c "import torch, numpy, psutil, pynvml; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'numpy', numpy.__version__, 'psutil', psutil.__version__)"
nvidia-smi --query-gpu=index,name,uuid,driver_version,mig.mode.current,power.limit,memory.total --format=csv
if [ -z "$LOCAL" ]; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 3
  export PYTHONPATH=/tmp/site
fi
run() { local t=$1 name=$2; shift 2; log "$name"; timeout "$t" "$@" 2>&1 | tee "${OUT:-/tmp}/$name.txt"; echo "## exit ${PIPESTATUS[0]}"; }
run 120 gpu_check $PY benchmarks/gpu_check.py --seconds 20
UUID=$(nvidia-smi --query-gpu=uuid --format=csv,noheader 2>/dev/null | head -1 | cut -c1-12)
CUDA_VISIBLE_DEVICES=$UUID run 60 gpu_check_uuid $PY benchmarks/gpu_check.py --seconds 6
run 100 bench_system_metrics $PY benchmarks/bench_system_metrics.py --quick
run 150 bench_torch_loop $PY benchmarks/bench_torch_loop.py
run 120 bench_training_loop $PY benchmarks/bench_training_loop.py
run 40 bench_log_call $PY benchmarks/bench_log_call.py --quick
