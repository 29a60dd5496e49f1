"""The official AsyncAPI parser, installed with npm on first use into a git-ignored folder."""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.infra import REPO

PARSER_PACKAGE = "@asyncapi/parser@3.6.6"
NODE_DIR = REPO / ".cache" / "asyncapi-node"
VALIDATOR = Path(__file__).parent / "validate_asyncapi.cjs"

Validate = Callable[[Path], subprocess.CompletedProcess]


@pytest.fixture(scope="session")
def validate_asyncapi() -> Validate:
    """Parses a document file with @asyncapi/parser; return code 1 on any error diagnostic.

    A fresh machine (CI) installs the parser here, so it needs Node.js and npm, nothing else.
    """
    assert shutil.which("npm"), "Node.js and npm are needed to validate the AsyncAPI documents"
    if not (NODE_DIR / "node_modules" / "@asyncapi" / "parser").is_dir():
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--ignore-scripts", PARSER_PACKAGE],
            check=True, capture_output=True, timeout=300,
        )

    def validate(document: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["node", str(VALIDATOR), str(NODE_DIR), str(document)], capture_output=True, text=True, timeout=60)

    return validate
