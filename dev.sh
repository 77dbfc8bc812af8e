#!/usr/bin/env bash
# Developer entry point for jupyter-mlm.
#   ./dev.sh test [pytest args...]   install into .venv, ensure PostgreSQL, run ruff, mypy, lint-imports, the
#                                    TypeScript unit tests (vitest) and pytest
#   ./dev.sh demo                    install into .venv, run the quickstart notebook, open JupyterLab
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
VENV=.venv
STAMP="$VENV/.mlm-install-stamp"   # sha256 of pyproject.toml at the last successful install

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'dev.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: ./dev.sh test [pytest args...]   lint (ruff) and run the test suite
       ./dev.sh demo                    run notebooks/quickstart.ipynb headless, then open JupyterLab
                                        (HEADLESS=1 skips JupyterLab)
EOF
}

# A Python >= 3.10 to build the virtualenv with ($PYTHON wins if set).
find_python() {
  local py
  for py in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10; do
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      command -v "$py"; return 0
    fi
  done
  die "Python >= 3.10 is required (found: $(python3 --version 2>&1 || echo 'no python3')). Install it or set PYTHON=/path/to/python3.x"
}

ensure_venv() {
  if ! { [[ -x "$VENV/bin/python" ]] &&
         "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }; then
    local py; py=$(find_python)
    say "creating $VENV with $py ($("$py" --version 2>&1))"
    rm -rf "$VENV"
    "$py" -m venv "$VENV" || die "'$py -m venv' failed (Debian/Ubuntu: apt-get install python3-venv)"
  fi
  local want have=""
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  [[ -f "$STAMP" ]] && have=$(<"$STAMP")
  if [[ "$want" == "$have" && -f jupyter_mlm/static/live_chart.js &&
        -f jupyter_mlm/labextension/package.json ]]; then
    say "dependencies up to date (pyproject.toml unchanged)"
    link_labextension
    return 0
  fi
  # the editable install runs npm (labextension/) to bundle the widget JS
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    die "Node.js and npm are required to build the widget bundle (labextension/): install Node >= 18, e.g.
    sudo apt-get install -y nodejs npm        (Debian/Ubuntu)
or from https://nodejs.org, then run this again."
  say "installing jupyter-mlm[dev] into $VENV"
  local t0=$SECONDS
  # --no-compile: byte-compiling every installed file (jupyterlab, scipy, ...) costs ~30 s on 2
  # cores; Python compiles what is actually imported on first use instead.
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-compile -q -e ".[dev]" ||
    die "pip install -e '.[dev]' failed"
  echo "$want" >"$STAMP"
  say "installed in $((SECONDS - t0)) s"
  link_labextension
}

# JupyterLab loads the prebuilt labextension of an editable install only from
# $VENV/share/jupyter/labextensions; pip copied it there once. Link it to the build output instead
# (what `jupyter labextension develop` does), so `npm run build:prod` in labextension/ shows after
# a browser reload.
link_labextension() {
  local dest="$VENV/share/jupyter/labextensions/jupyter-mlm"
  local target="../../../../jupyter_mlm/labextension"
  [[ -L "$dest" && "$(readlink "$dest")" == "$target" ]] && return 0
  [[ -f jupyter_mlm/labextension/package.json ]] ||
    die "jupyter_mlm/labextension is not built: run 'npm install && npm run build:prod' in labextension/"
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"
  ln -s "$target" "$dest"
  say "linked $dest -> $target"
}

# The frontend checks (labextension/): lint (eslint + prettier --check), then the TypeScript unit
# tests (vitest); node_modules comes from the install. Fails when either fails.
run_ts_tests() {
  local bin=labextension/node_modules/.bin lint=0 rc=0
  if [[ ! -x $bin/vitest || ! -x $bin/eslint || ! -x $bin/prettier || ! -x $bin/openapi-typescript ]]; then
    say "npm install (labextension/)"
    (cd labextension && npm install --no-audit --no-fund) || return 1
  fi
  say "npm run lint (labextension/: eslint + prettier --check)"
  (cd labextension && npm run lint) || lint=$?
  say "npm test (labextension/: REST types up to date, type check, unit tests)"
  (cd labextension && npm test) || rc=$?
  if [[ $lint -ne 0 ]]; then
    echo "dev.sh: FAILED: the frontend lint (npm run lint in labextension/) reported problems (see above); 'npm run format' there fixes the formatting" >&2
    [[ $rc -eq 0 ]] && rc=1
  fi
  return "$rc"
}

# Prints the directory holding initdb and pg_ctl, if any.
pg_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
  done
  return 1
}

ensure_postgres() {
  [[ -n "${MLM_TEST_POSTGRES_URI:-}" ]] && { say "using MLM_TEST_POSTGRES_URI"; return 0; }
  pg_bindir >/dev/null && return 0
  if [[ $(id -u) -ne 0 ]]; then
    die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them, e.g.
    sudo apt-get install -y postgresql        (Debian/Ubuntu)
or point MLM_TEST_POSTGRES_URI at an existing server (postgresql://user@host:port/db)."
  fi
  say "installing PostgreSQL server (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  pg_bindir >/dev/null || die "apt-get installed postgresql but initdb/pg_ctl are still not found"
}

# Debian's Chromium for the browser tests (never a browser downloaded by a test tool).
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [[ $(id -u) -ne 0 ]]; then
    die "Chromium is needed for the browser tests. Install it, e.g.
    sudo apt-get install -y chromium        (Debian/Ubuntu)"
  fi
  say "installing Chromium (apt-get install chromium)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  command -v chromium >/dev/null 2>&1 || die "apt-get installed chromium but it is not on PATH"
}

cmd_test() {
  ensure_venv
  ensure_postgres
  ensure_chromium
  say "PostgreSQL binaries: $(pg_bindir || echo "n/a (MLM_TEST_POSTGRES_URI)")"
  local dirs=() d lint=0 rc=0
  for d in jupyter_mlm tests benchmarks; do [[ -d "$d" ]] && dirs+=("$d"); done
  say "ruff check ${dirs[*]}"
  "$VENV/bin/ruff" check "${dirs[@]}" || lint=$?
  say "mypy jupyter_mlm"
  "$VENV/bin/mypy" || lint=$?
  say "lint-imports (the layers of pyproject.toml)"
  "$VENV/bin/lint-imports" || lint=$?
  local ts=0
  run_ts_tests || ts=$?
  say "pytest $*"
  "$VENV/bin/python" -m pytest "$@" || rc=$?
  if [[ $ts -ne 0 ]]; then
    echo "dev.sh: FAILED: the TypeScript unit tests (npm test in labextension/) failed (see above)" >&2
    [[ $rc -eq 0 ]] && rc=1
  fi
  if [[ $rc -eq 5 ]]; then
    echo "dev.sh: FAILED: pytest collected no tests (exit code 5) — check the arguments/paths" >&2
  elif [[ $rc -eq 0 && $lint -ne 0 ]]; then
    echo "dev.sh: FAILED: tests passed but ruff, mypy or lint-imports reported problems (see above)" >&2
    rc=1
  elif [[ $lint -ne 0 ]]; then
    echo "dev.sh: note: ruff, mypy or lint-imports also reported problems (see above)" >&2
  fi
  exit "$rc"
}

cmd_demo() {
  ensure_venv
  say "running notebooks/quickstart.ipynb headless"
  "$VENV/bin/python" -m jupyter_mlm.demo
  if [[ "${HEADLESS:-0}" == 1 ]]; then return 0; fi
  local extra=()
  [[ $(id -u) -eq 0 ]] && extra+=(--allow-root)
  exec "$VENV/bin/jupyter" lab "${extra[@]}" notebooks/quickstart.ipynb
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  demo) shift; cmd_demo "$@" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
