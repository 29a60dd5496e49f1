"""The services' read-only HTTP APIs, as the CLI and the console query them.

The bearer token (READ_API_TOKEN) is sent when given; answers keep quantities as exact decimal strings.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from slt_cli.errors import FAILED, INVALID_INPUT, CliError

DEFAULT_WAREHOUSE_URL = "http://127.0.0.1:8081"  # where `make up` serves them
DEFAULT_INVENTORY_URL = "http://127.0.0.1:8082"


@dataclass(frozen=True)
class Api:
    """One read API, and how a person points slt at another address."""

    service: str
    field: str
    flag: str
    variable: str


WAREHOUSE = Api("warehouse", "warehouse_url", "--warehouse-url", "WAREHOUSE_URL")
INVENTORY = Api("inventory", "inventory_url", "--inventory-url", "INVENTORY_URL")


@dataclass(frozen=True)
class ReadApis:
    warehouse_url: str = DEFAULT_WAREHOUSE_URL
    inventory_url: str = DEFAULT_INVENTORY_URL
    token: str | None = None

    @asynccontextmanager
    async def open(self) -> AsyncIterator["Session"]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(headers=headers, timeout=30.0) as client:
            yield Session(self, client)


@dataclass
class Session:
    apis: ReadApis
    client: httpx.AsyncClient

    async def warehouse(self, path: str, missing_ok: bool = False, **params: Any) -> Any:
        return await self._get(WAREHOUSE, path, missing_ok, params)

    async def inventory(self, path: str, missing_ok: bool = False, **params: Any) -> Any:
        return await self._get(INVENTORY, path, missing_ok, params)

    async def warehouse_pages(self, path: str, key: str = "entries", **params: Any) -> list[dict]:
        """Every row of a keyset-paged answer (`next_after` passed back as `after`)."""
        rows, after = [], 0
        while after is not None:
            page = await self.warehouse(path, after=after, limit=1000, **params)
            rows += page[key]
            after = page["next_after"]
        return rows

    async def _get(self, api: "Api", path: str, missing_ok: bool, params: dict[str, Any]) -> Any:
        base = getattr(self.apis, api.field)
        url = base.rstrip("/") + path
        try:
            response = await self.client.get(url, params={k: v for k, v in params.items() if v is not None})
        except httpx.HTTPError as failure:
            raise CliError(
                f"the {api.service} read API at {base} does not answer ({type(failure).__name__})",
                FAILED,
                f"check that the service runs there, or pass {api.flag} URL or set {api.variable}",
            ) from failure
        if response.status_code == 401:
            raise CliError(
                f"the {api.service} read API at {base} wants a bearer token",
                FAILED,
                "pass --token or set READ_API_TOKEN",
            )
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code in (404, 422):
            raise CliError(f"{url}: {_detail(response)}", INVALID_INPUT)
        if response.is_error:
            raise CliError(f"{url} answered {response.status_code}: {_detail(response)}", FAILED)
        return response.json()


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text
