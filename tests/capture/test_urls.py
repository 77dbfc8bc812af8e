from __future__ import annotations

import pytest

from jupyter_mlm.capture.urls import remote_identity, scrub_text, strip_credentials


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://alice:s3cr3t@github.com/org/repo.git", "https://github.com/org/repo.git"),
        ("https://ghp_token@github.com/org/repo", "https://github.com/org/repo"),
        ("https://github.com/org/repo.git?private_token=abc#x", "https://github.com/org/repo.git"),
        ("http://u:p@host:8080/x", "http://host:8080/x"),
        ("ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"),
        ("ssh://alice:pw@host/repo", "ssh://host/repo"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("alice:pw@host:org/repo", "host:org/repo"),
        ("/srv/git/repo.git", "/srv/git/repo.git"),
        ("../upstream", "../upstream"),
        ("file:///srv/git/repo.git", "file:///srv/git/repo.git"),
    ],
)
def test_strip_credentials(url: str, expected: str) -> None:
    assert strip_credentials(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "git@github.com:org/repo.git",
        "git@github.com:org/repo",
        "https://user:token@github.com/org/repo",
        "https://github.com/org/repo.git/",
        "ssh://git@github.com/org/repo.git",
        "ssh://git@GitHub.com:22/org/repo.git",
        "git://github.com/org/repo.git",
        "git+ssh://git@github.com/org/repo",
    ],
)
def test_remote_identity_is_the_same_for_every_form(url: str) -> None:
    assert remote_identity(url) == "github.com/org/repo"


@pytest.mark.parametrize(
    "url", ["/srv/git/repo.git", "../upstream", "file:///srv/git/repo.git", r"C:\repos\x"]
)
def test_local_remotes_have_no_identity(url: str) -> None:
    assert remote_identity(url) is None


def test_scrub_text_removes_userinfo_from_urls_in_messages() -> None:
    message = "fatal: unable to access 'https://alice:s3cr3t@github.com/org/repo.git/': 403"
    assert scrub_text(message) == "fatal: unable to access 'https://github.com/org/repo.git/': 403"
