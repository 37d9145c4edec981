"""The browser tests never drop out of a CI run unnoticed: a missing Chromium fails there."""

import pytest

from tests.e2e import conftest as e2e


def _outcome(monkeypatch, in_ci: bool) -> type[BaseException]:
    """What require_chromium raises; caught as BaseException so that a skip is seen, not obeyed."""
    monkeypatch.setattr(e2e, "IN_CI", in_ci)
    with pytest.raises(BaseException, match="browser tests need Debian's chromium") as raised:
        e2e.require_chromium()
    return raised.type


def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setattr(e2e, "CHROMIUM", tmp_path / "no-chromium")
    assert _outcome(monkeypatch, in_ci=True) is pytest.fail.Exception
    assert _outcome(monkeypatch, in_ci=False) is pytest.skip.Exception
    (tmp_path / "no-chromium").write_text("")
    monkeypatch.setattr(e2e, "IN_CI", True)
    e2e.require_chromium()  # present: neither fails nor skips
