"""Shared test code lives in `tests/support` (and `tests/cli/operator.py`): a test module that imports another
runs that module's tests' set-up and couples two files that change for different reasons."""

import re

from tests.support.infra import REPO

IMPORTS_A_TEST_MODULE = re.compile(r"^\s*(?:from|import)\s+tests\.[\w.]*\btest_\w+", re.MULTILINE)


def test_no_test_module_imports_another():
    importing = sorted(str(path.relative_to(REPO)) for path in (REPO / "tests").rglob("*.py")
                       if IMPORTS_A_TEST_MODULE.search(path.read_text()))
    assert importing == []
