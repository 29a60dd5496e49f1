"""`slt outbox quarantine`: outbox rows the broker refused for good, listed and re-driven.

The relay moved them to `relay_quarantine` so the rows after them could flow (servicekit.quarantine).
Re-drive a row once its cause is fixed (e.g. the broker's `message.max.bytes` raised): it goes back at
the end of the outbox, after what is waiting, and is published by the running relay.
"""

from collections.abc import Sequence

import asyncpg
from rich.text import Text

from servicekit.quarantine import quarantined_rows, redrive
from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.render import console


async def list_rows(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await quarantined_rows(conn)
    finally:
        await conn.close()
    for row in rows:
        console.print(Text.assemble(
            (f"{row['id']}", "bold"), f" {row['topic']} ",
            ((row["ce_type"] or b"?").decode(errors="replace"), "yellow"),
            f" ce_id={(row['ce_id'] or b'-').decode(errors='replace')} {row['size']:,} bytes,"
            f" written {row['created_at']:%Y-%m-%d %H:%M:%S},"
            f" quarantined {row['quarantined_at']:%Y-%m-%d %H:%M:%S}: ",
            (row["error"], "red")))
    console.print(f"{len(rows)} quarantined outbox row(s)", style="dim")


async def redrive_rows(database_url: str, ids: Sequence[int], everything: bool) -> None:
    if not ids and not everything:
        raise CliError("name the ids to re-drive, or --all", INVALID_INPUT)
    conn = await asyncpg.connect(database_url)
    try:
        wanted = [row["id"] for row in await quarantined_rows(conn)] if everything else list(ids)
        moved = await redrive(conn, wanted)
    finally:
        await conn.close()
    if missing := sorted(set(wanted) - set(moved)):
        raise CliError(f"no quarantined outbox row with id(s) {missing}", INVALID_INPUT)
    console.print(f"re-driven {len(moved)} row(s): {', '.join(map(str, moved))}")
