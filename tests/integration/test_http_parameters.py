"""Issue 11, Why 8: HTTP parameters are validated (422 with a message a person can act on, never a 500) and
the endpoints that could answer without bound are paged."""

import httpx
import pytest

from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.layouts import location

BAD_REQUESTS = [
    ("inventory", "/items?limit=-1", "limit"),
    ("inventory", "/items?limit=0", "limit"),
    ("inventory", "/items?limit=100000", "limit"),
    ("inventory", "/items/X/ledger-entries?after=-5", "after"),
    ("inventory", "/items/%00/ledger-entries", "NUL"),
    ("inventory", "/items/A%00B", "NUL"),
    ("inventory", "/demands/sales_order/SO-1/3000000000", "32 bits"),
    ("inventory", "/items/X/tracing?lot=L1&after=99999999999999999999", "after"),
    ("inventory", "/parked-postings?limit=-1", "limit"),
    ("warehouse", "/warehouse-entries?limit=-1", "limit"),
    ("warehouse", "/warehouse-entries?after=99999999999999999999", "after"),
    ("warehouse", "/bin-contents?limit=0", "limit"),
    ("warehouse", "/bin-contents?serial=%00", "NUL"),
    ("warehouse", "/documents/receipt?limit=-1", "limit"),
    ("warehouse", "/locations/%00", "NUL"),
    ("warehouse", "/locations/X?bins_limit=0", "bins_limit"),
]


@pytest.mark.parametrize(("service", "path", "named"), BAD_REQUESTS)
async def test_a_bad_parameter_is_a_422_that_says_what_to_change(stack, service, path, named):
    async with httpx.AsyncClient() as client:
        answer = await client.get(getattr(stack, service).url + path)
    assert answer.status_code == 422, (path, answer.status_code, answer.text)
    assert named in answer.text, answer.text


async def test_the_bins_of_a_location_come_in_pages(stack, kafka):
    code = unique("PAGED")[:20]
    bins = [{"code": f"B{i:04d}", "zone": "PICK", "types": ["put_away", "pick"]} for i in range(25)]
    ce_id = await kafka.send_command("warehouse.commands.v1", wh.ConfigureLocation.TYPE,
                                     location(code, bins=location(code)["bins"] + bins), key=code)
    await kafka.wait_for(type=wh.LocationConfigured.TYPE, causation_id=ce_id, timeout=30)
    seen, after = [], ""
    async with httpx.AsyncClient() as client:
        while after is not None:
            page = (await client.get(f"{stack.warehouse.url}/locations/{code}",
                                     params={"bins_after": after, "bins_limit": 10})).json()
            assert len(page["bins"]) <= 10
            seen += [b["bin_code"] for b in page["bins"]]
            after = page["next_bins_after"]
    assert seen == sorted(b["code"] for b in location(code)["bins"] + bins)
