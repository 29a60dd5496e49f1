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
        return await self._get(self.apis.warehouse_url, path, missing_ok, params)

    async def inventory(self, path: str, missing_ok: bool = False, **params: Any) -> Any:
        return await self._get(self.apis.inventory_url, path, missing_ok, params)

    async def warehouse_pages(self, path: str, key: str = "entries", **params: Any) -> list[dict]:
        """Every row of a keyset-paged answer (`next_after` passed back as `after`)."""
        rows, after = [], 0
        while after is not None:
            page = await self.warehouse(path, after=after, limit=1000, **params)
            rows += page[key]
            after = page["next_after"]
        return rows

    async def _get(self, base: str, path: str, missing_ok: bool, params: dict[str, Any]) -> Any:
        url = base.rstrip("/") + path
        try:
            response = await self.client.get(url, params={k: v for k, v in params.items() if v is not None})
        except httpx.HTTPError as failure:
            raise CliError(f"{url} does not answer: {failure!r}", FAILED) from failure
        if response.status_code == 401:
            raise CliError(f"{base} wants a bearer token: set READ_API_TOKEN or pass --token", FAILED)
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
