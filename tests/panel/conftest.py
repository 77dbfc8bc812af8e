"""The panel's browser tests reuse the browser-test fixtures (headless Debian Chromium, artifacts)."""

from tests.browser.conftest import artifacts, browser

__all__ = ["artifacts", "browser"]
