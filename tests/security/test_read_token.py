"""READ_API_TOKEN against a running service: the read API wants the bearer token, probes and scrapes do
not; the CLI sends it; the service's logs show none of its secrets.

The guarded service is one more replica of the test stack's warehouse (same database, same consumer
groups), started with its secrets in files under SECRETS_DIR.
"""

import httpx
import pytest

from tests.cli.operator import slt
from tests.support.infra import REPO
from tests.support.services import ServiceProcess
from tests.support.warehouse import Warehouse, lot, unique

TOKEN = "read-token-" + unique("t")
KAFKA_PASSWORD = "kafka-password-" + unique("k")
DB_PASSWORD = "db-password-" + unique("d")  # the test server trusts local connections; it is sent if asked


@pytest.fixture(scope="module")
def guarded(stack, tmp_path_factory) -> ServiceProcess:
    secrets = tmp_path_factory.mktemp("secrets")
    (secrets / "read_api_token").write_text(TOKEN)
    (secrets / "database_password").write_text(DB_PASSWORD)
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.infra.bootstrap, "DATABASE_URL": stack.warehouse_db,
           "SECRETS_DIR": str(secrets), "KAFKA_SASL_PASSWORD": KAFKA_PASSWORD, "OUTBOX_POLL_INTERVAL_SECONDS": "0.5"}
    process = ServiceProcess("warehouse", env, REPO / ".stack" / "test-logs").start()
    yield process
    process.stop()


def get(service: ServiceProcess, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(service.url + path, headers=headers, timeout=10)


def test_read_api_answers_401_without_the_token_and_200_with_it(guarded):
    for path in ("/locations", "/bin-contents", "/warehouse-entries"):
        missing = get(guarded, path)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer", path
        assert get(guarded, path, token="not-" + TOKEN).status_code == 401
        assert get(guarded, path, token=TOKEN).status_code == 200
    # Probes, the scraper and integrators need no token.
    for path in ("/healthz", "/readyz", "/metrics", "/asyncapi.json"):
        assert get(guarded, path).status_code == 200, path


async def test_the_cli_sends_read_api_token_and_says_so_when_it_is_missing(guarded, stack, kafka):
    warehouse = Warehouse(stack.warehouse.url, kafka)
    item_no, location = unique("SECURE"), unique("WH")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [lot("SEC-1", 2)])
    args = ("trace", "--lot", "SEC-1", "--item", item_no, "--no-facts", "--warehouse-url", guarded.url)

    refused = await slt(stack, *args)
    assert refused.exit_code == 1 and f"the warehouse read API at {guarded.url} wants a bearer token" in refused.err
    assert "pass --token or set READ_API_TOKEN" in refused.err

    allowed = await slt(stack, *args, env={"READ_API_TOKEN": TOKEN})
    assert allowed.exit_code == 0, allowed
    assert "received 2 into R-01" in allowed.out


def test_no_secret_reaches_the_logs(guarded):
    get(guarded, "/locations")  # a refused request is not a reason to log the token either
    log = guarded.log_path.read_text()
    assert '"event": "service starting"' in log and '"read_api_token": "**********"' in log
    for secret in (TOKEN, KAFKA_PASSWORD, DB_PASSWORD):
        assert secret not in log
