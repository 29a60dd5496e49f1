"""Entry point for `python -m localstack up|infra|down`."""

from localstack.stack import main

raise SystemExit(main())
