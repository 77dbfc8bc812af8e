"""The price table: ``[cost]`` of mlm.toml and the environment over it; every bad entry is
a ConfigError that names it."""

from __future__ import annotations

import pytest

from jupyter_mlm.core.errors import ConfigError
from jupyter_mlm.cost.settings import load_price_settings, parse_cost_table


def _load(tmp_path, text: str, **env: str):
    (tmp_path / "mlm.toml").write_text(text)
    return load_price_settings(tmp_path, environ=env)


def test_no_file_no_settings(tmp_path):
    settings = load_price_settings(tmp_path, environ={})
    assert not settings.configured
    assert (settings.hourly, settings.machine, settings.share) == (None, None, "wall")


def test_a_full_table_is_read(tmp_path):
    settings = _load(
        tmp_path,
        '[cost]\nmachine = "p3.2xlarge"\nshare = "cpu"\n'
        '[cost.machines]\n"p3.2xlarge" = 2.1\n"on-prem-box" = 0\n'
        "[cost.gpus]\nA100 = 2.9\n",
    )
    assert settings.configured
    assert (settings.machine, settings.machine_source) == ("p3.2xlarge", "mlm.toml [cost] machine")
    assert settings.machines == {"p3.2xlarge": 2.1, "on-prem-box": 0.0}
    assert settings.gpus == {"A100": 2.9} and settings.share == "cpu"
    assert settings.hourly is None and settings.hourly_source is None


def test_the_table_may_sit_under_mlm(tmp_path):
    settings = _load(tmp_path, '[mlm]\nstore = "s"\n[mlm.cost]\nhourly = 3\n')
    assert (settings.hourly, settings.hourly_source) == (3.0, "mlm.toml [cost] hourly")


def test_the_file_at_the_repository_root_applies(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "mlm.toml").write_text("[cost]\nhourly = 1.5\n")
    (tmp_path / "notebooks" / "deep").mkdir(parents=True)
    assert load_price_settings(tmp_path / "notebooks" / "deep", environ={}).hourly == 1.5


def test_the_environment_wins(tmp_path):
    settings = _load(
        tmp_path,
        '[cost]\nhourly = 3.06\nmachine = "p3.2xlarge"\n',
        MLM_COST_HOURLY="0.5",
        MLM_MACHINE_TYPE="g5.xlarge",
        MLM_COST_SHARE="cpu",
    )
    assert (settings.hourly, settings.hourly_source) == (0.5, "MLM_COST_HOURLY")
    assert (settings.machine, settings.machine_source) == ("g5.xlarge", "MLM_MACHINE_TYPE")
    assert settings.share == "cpu"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[cost]\nhourley = 3.06\n", "unknown key 'hourley'"),
        ("[cost]\nhourly = -3.06\n", r"\[cost\] hourly = -3.06: a price must be"),
        ("[cost]\nhourly = inf\n", r"\[cost\] hourly = inf"),
        ('[cost]\nhourly = "3.06"\n', r"\[cost\] hourly = '3.06': a price is a number"),
        ("[cost]\nhourly = true\n", r"\[cost\] hourly = True"),
        ('[cost.machines]\n"p3.2xlarge" = -1\n', r"\[cost.machines\] 'p3.2xlarge' = -1"),
        ('[cost.machines]\n"p3.2xlarge" = "cheap"\n', r"\[cost.machines\] 'p3.2xlarge'"),
        ('[cost.machines]\n" " = 1\n', r"\[cost.machines\] ' ': an empty name"),
        ("[cost.gpus]\nA100 = -2.9\n", r"\[cost.gpus\] 'A100' = -2.9"),
        ('[cost]\nshare = "half"\n', r"\[cost\] share = 'half': share is 'wall'"),
        ("[cost]\nmachine = 3\n", r"\[cost\] machine = 3: the machine type must be"),
        ("[cost]\nmachines = 3\n", r"\[cost\] machines: must be a table"),
        ("cost = 3\n", r"'cost' must be a table"),
        ("[cost\nhourly = 1\n", r"cannot read .*mlm\.toml"),
    ],
)
def test_bad_entries_are_named(tmp_path, text, named):
    with pytest.raises(ConfigError, match=named) as caught:
        _load(tmp_path, text)
    assert str(tmp_path / "mlm.toml") in str(caught.value)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MLM_COST_HOURLY": "cheap"}, "MLM_COST_HOURLY='cheap': a price is a number"),
        ({"MLM_COST_HOURLY": "-1"}, "MLM_COST_HOURLY='-1': a price must be"),
        ({"MLM_COST_SHARE": "gpu"}, "MLM_COST_SHARE='gpu': share is"),
    ],
)
def test_bad_environment_is_named(tmp_path, env, named):
    with pytest.raises(ConfigError, match=named):
        load_price_settings(tmp_path, environ=env)


def test_parse_keeps_only_checked_values():
    assert parse_cost_table({"hourly": 2, "machines": {" m5.large ": 0.1}}) == {
        "hourly": 2.0,
        "machines": {"m5.large": 0.1},
    }
