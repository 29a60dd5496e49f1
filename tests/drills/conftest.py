"""Options of the fault drills: `make soak` runs them for `--minutes` with `--soak`."""


def pytest_addoption(parser) -> None:
    group = parser.getgroup("drills")
    group.addoption("--soak", action="store_true", default=False, help="run the long fault drill (make soak)")
    group.addoption("--minutes", type=float, default=10.0, help="how long the soak drill streams commands")


def pytest_collection_modifyitems(config, items) -> None:
    """`make test` runs the short drill, `make soak` only the long one: the other is deselected (and
    reported as such), never skipped, so a CI run cannot pass without the drill it is meant to run."""
    soak = config.getoption("--soak")
    keep, drop = [], []
    for item in items:
        is_soak = item.name.startswith("test_soak")
        (drop if is_soak != soak and "drills" in item.nodeid else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
