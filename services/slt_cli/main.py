"""The `slt` command line. Commands are thin: parse options, run one coroutine, map errors to exit codes."""

import asyncio
from collections.abc import Callable, Coroutine
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from aiokafka.errors import KafkaError

from slt_cli import catalog, opening_balances, outbox_quarantine, stock, transfers
from slt_cli import dlq as dead_letters
from slt_cli import lag as consumer_lag
from slt_cli import recall as recalling
from slt_cli import reconcile as reconciliation
from slt_cli.errors import FAILED, INVALID_INPUT, CliError
from slt_cli.output import (
    Format,
    OutputOption,
    complete_command_types,
    complete_message_types,
    complete_topics,
    json_line,
)
from slt_cli.publish import Waiting, load_command
from slt_cli.publish import publish as publish_command
from slt_cli.readapi import DEFAULT_INVENTORY_URL, DEFAULT_WAREHOUSE_URL, ReadApis
from slt_cli.render import console, error, notes, quiet_client_logs
from slt_cli.render import show as show_record
from slt_cli.trace import dumps as trace_json
from slt_cli.trace import trace as trace_history
from slt_cli.watch import Filter
from slt_cli.watch import watch as watch_topics

app = typer.Typer(
    help="Operate serial and lot tracking: publish commands, watch topics, handle dead letters, trace serials and "
    "lots, show availability and transfer orders, reconcile, consumer-group lag, import opening balances. "
    "Rule ids (I5, S7, ...) are defined in docs/rules.md.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
dlq = typer.Typer(help="Dead letters of a topic: list, show, replay.", no_args_is_help=True)
app.add_typer(dlq, name="dlq")
outbox = typer.Typer(help="A service's outbox: rows the relay quarantined.", no_args_is_help=True)
quarantine = typer.Typer(help="Outbox rows the broker refused for good: list, redrive.", no_args_is_help=True)
outbox.add_typer(quarantine, name="quarantine")
app.add_typer(outbox, name="outbox")
DatabaseUrl = Annotated[str, typer.Option("--database-url", envvar="DATABASE_URL", help="the service's database")]

Bootstrap = Annotated[
    str, typer.Option("--bootstrap", envvar="KAFKA_BOOTSTRAP_SERVERS", help="Kafka brokers, host:port[,...]")
]
DEFAULT_BOOTSTRAP = "127.0.0.1:19092"  # where `make up` starts Kafka
DlqTopic = Annotated[
    str, typer.Argument(help="a topic, or its dead-letter topic (<topic>.dlq)", autocompletion=complete_topics)
]
Partition = Annotated[int, typer.Option(help="partition of the dead-letter topic (they have one)")]
WarehouseUrl = Annotated[str, typer.Option(envvar="WAREHOUSE_URL", help="the warehouse service's read API")]
InventoryUrl = Annotated[str, typer.Option(envvar="INVENTORY_URL", help="the inventory service's read API")]
Token = Annotated[
    str | None,
    typer.Option(
        "--token", envvar="READ_API_TOKEN", show_default=False, help="bearer token of the read APIs, when they want one"
    ),
]


def run(work: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run the command's coroutine; its errors become a red line (and a hint) on stderr and an exit code."""
    quiet_client_logs()
    try:
        return asyncio.run(work())
    except CliError as failure:
        error(str(failure), failure.hint)
        raise typer.Exit(failure.exit_code) from failure
    except KafkaError as failure:
        error(f"Kafka: {type(failure).__name__}: {failure}")
        raise typer.Exit(FAILED) from failure


def finish(check: Callable[..., None], *args: Any) -> None:
    """A check of what a command found, after it was shown: its CliError becomes the exit code."""
    try:
        check(*args)
    except CliError as failure:
        error(str(failure), failure.hint)
        raise typer.Exit(failure.exit_code) from failure


CommandType = Annotated[
    str,
    typer.Argument(
        metavar="TYPE",
        help="ce_type of a command, e.g. inventory.item.register.v1",
        autocompletion=complete_command_types,
    ),
]
CommandFile = Annotated[Path | None, typer.Option("--file", "-f", help="the command's data, JSON or YAML (.yaml/.yml)")]
Conversation = Annotated[
    bool,
    typer.Option(
        "--all",
        help="with --wait: every fact of the conversation, on both fact "
        "topics, also those other services published in reaction",
    ),
]


@app.command()
def publish(
    ce_type: CommandType,
    file: CommandFile = None,
    data: Annotated[str | None, typer.Option("--data", "-d", help="the command's data as JSON")] = None,
    correlation_id: Annotated[
        str | None, typer.Option(help="joins an existing conversation; default: the command id")
    ] = None,
    source: Annotated[str, typer.Option(help="ce_source header")] = "/slt",
    wait: Annotated[bool, typer.Option("--wait", help="print every fact or rejection the command caused")] = False,
    conversation: Conversation = False,
    timeout: Annotated[float, typer.Option(help="seconds --wait waits for the first fact")] = 30.0,
    quiet: Annotated[float, typer.Option(help="--wait stops once this many seconds pass without another fact")] = 3.0,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """Validate a command against its contract and publish it. `slt types` lists the commands, `slt example TYPE`
    prints one to start from.

    Exit codes: 0 published (and carried out, with --wait), 1 refused, 2 invalid input, 3 no answer in time.
    """
    waiting = Waiting(timeout, quiet, conversation) if wait or conversation else None
    run(lambda: publish_command(bootstrap, load_command(ce_type, file, data), source, correlation_id, waiting))


catalog.register(app)


WatchedTopics = Annotated[
    list[str],
    typer.Argument(
        metavar="TOPIC...", help="e.g. warehouse.events.v1 inventory.events.v1", autocompletion=complete_topics
    ),
]
OnlyTypes = Annotated[
    list[str] | None,
    typer.Option("--type", help="only this ce_type (repeatable)", autocompletion=complete_message_types),
]


@app.command()
def watch(
    topics: WatchedTopics,
    types: OnlyTypes = None,
    item: Annotated[str | None, typer.Option(help="only records naming this item_no")] = None,
    location: Annotated[str | None, typer.Option(help="only records naming this location_code")] = None,
    serial: Annotated[str | None, typer.Option(help="only records naming this serial number")] = None,
    lot: Annotated[str | None, typer.Option(help="only records naming this lot number")] = None,
    correlation_id: Annotated[str | None, typer.Option(help="only this conversation")] = None,
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="start at the oldest record, not now")
    ] = False,
    max_records: Annotated[int | None, typer.Option("--max", help="stop after N records")] = None,
    timeout: Annotated[float | None, typer.Option(help="stop after S seconds")] = None,
    output: OutputOption = Format.text,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """Show records of TOPIC... live, decoded and coloured, until --max, --timeout or Ctrl-C."""
    fields = {"item_no": item, "location_code": location, "serial": serial, "lot": lot}
    only = Filter(tuple(types or ()), correlation_id, {name: value for name, value in fields.items() if value})
    show = (lambda record: json_line(record.as_json())) if output == Format.json else show_record
    try:
        shown = run(lambda: watch_topics(bootstrap, topics, only, from_beginning, max_records, timeout, show))
    except KeyboardInterrupt:
        return
    (notes if output == Format.json else console).print(f"{shown} record(s)", style="dim")


@dlq.command("list")
def dlq_list(topic: DlqTopic, output: OutputOption = Format.text, bootstrap: Bootstrap = DEFAULT_BOOTSTRAP) -> None:
    """One line per dead letter: where it came from and why it was set aside."""
    run(lambda: dead_letters.list_letters(bootstrap, topic, output == Format.json))


@dlq.command("show")
def dlq_show(topic: DlqTopic, offset: int, partition: Partition = 0, bootstrap: Bootstrap = DEFAULT_BOOTSTRAP) -> None:
    """Every header and the value of one dead letter."""
    run(lambda: dead_letters.show_letter(bootstrap, topic, partition, offset))


@dlq.command("replay")
def dlq_replay(
    topic: DlqTopic,
    offsets: Annotated[list[int] | None, typer.Argument(help="offsets of the letters to replay")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="replay every letter of the topic")] = False,
    partition: Partition = 0,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """Re-publish letters to their original topic, bytes and headers as received, without the dlq_* headers."""
    run(lambda: dead_letters.replay(bootstrap, topic, partition, offsets or [], replay_all))


@quarantine.command("list")
def outbox_quarantine_list(database_url: DatabaseUrl) -> None:
    """One line per quarantined outbox row: id, topic, type, size, when, and the broker's refusal."""
    run(lambda: outbox_quarantine.list_rows(database_url))


@quarantine.command("redrive")
def outbox_quarantine_redrive(
    database_url: DatabaseUrl,
    ids: Annotated[list[int] | None, typer.Argument(help="ids of the rows to re-drive")] = None,
    redrive_all: Annotated[bool, typer.Option("--all", help="re-drive every quarantined row")] = False,
) -> None:
    """Put rows back at the end of the outbox, once their cause is fixed; the relay publishes them."""
    run(lambda: outbox_quarantine.redrive_rows(database_url, ids or [], redrive_all))


@app.command()
def trace(
    serial: Annotated[str, typer.Option(help="the serial number to trace")] = "",
    lot: Annotated[str, typer.Option(help="the lot number to trace")] = "",
    item: Annotated[str | None, typer.Option(help="the item; found from the warehouse's entries when left out")] = None,
    facts: Annotated[bool, typer.Option(help="read reservations' history from inventory.events.v1")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the timeline as indented JSON")] = False,
    output: OutputOption = Format.text,
    warehouse_url: WarehouseUrl = DEFAULT_WAREHOUSE_URL,
    inventory_url: InventoryUrl = DEFAULT_INVENTORY_URL,
    token: Token = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """The history of a serial or lot across both services: received, put away, moved, reclassified,
    reserved, picked, shipped, with the item ledger entries, as one timeline."""

    async def work():
        async with ReadApis(warehouse_url, inventory_url, token).open() as read:
            return await trace_history(read, bootstrap, item, serial, lot, facts)

    found = run(work)
    if as_json:
        print(trace_json(found))
    elif output == Format.json:
        json_line(found.as_json())
    else:
        stock.show_trace(found)


class RecallFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command()
def recall(
    lot: Annotated[str, typer.Option(help="the lot number to recall")] = "",
    serial: Annotated[str, typer.Option(help="the serial number to recall")] = "",
    item: Annotated[str | None, typer.Option(help="only this item; default: every item with the number")] = None,
    output: Annotated[RecallFormat, typer.Option("--output", "-o", help="text, json (one object) or csv")] = (
        RecallFormat.text),
    warehouse_url: WarehouseUrl = DEFAULT_WAREHOUSE_URL,
    inventory_url: InventoryUrl = DEFAULT_INVENTORY_URL,
    token: Token = None,
) -> None:
    """R1 (docs/rules.md#R1): every outbound posting that took the lot or serial (shipments with customer,
    transfers with destination), every inbound posting that brought it (receipts with vendor), and where the
    rest is now (bins, in transit), from both services' ledgers. Exit code 2: neither ledger knows it."""

    async def work():
        async with ReadApis(warehouse_url, inventory_url, token).open() as read:
            return await recalling.recall(read, item, serial, lot)

    found = run(work)
    if output == RecallFormat.json:
        json_line(found.as_json())
    elif output == RecallFormat.csv:
        print(recalling.csv_text(found), end="")
    else:
        recalling.show(found)


@app.command()
def availability(
    item: Annotated[str, typer.Argument(metavar="ITEM", help="item number")],
    location: Annotated[str | None, typer.Option(help="only this location")] = None,
    output: OutputOption = Format.text,
    inventory_url: InventoryUrl = DEFAULT_INVENTORY_URL,
    token: Token = None,
) -> None:
    """Available to reserve (I5, docs/rules.md#I5) per location, with its breakdown and a row per serial/lot."""

    async def work():
        async with ReadApis(inventory_url=inventory_url, token=token).open() as read:
            answer = await stock.availability(read, item, location)
            if not answer["locations"] and not await stock.item_is_registered(read, item):
                raise CliError(f"item {item} is not registered", INVALID_INPUT)
            return answer

    answer = run(work)
    if output == Format.json:
        stock.show_availability_json(answer)
        return
    if not answer["locations"]:
        console.print(f"no stock of {item}" + (f" at {location}" if location else ""))
        return
    stock.show_availability(answer)


@app.command()
def transfer(
    transfer_no: Annotated[str | None, typer.Argument(metavar="[TRANSFER_NO]", help="one transfer order")] = None,
    location: Annotated[str | None, typer.Option(help="only transfers from, through or to this location")] = None,
    in_transit: Annotated[bool, typer.Option("--in-transit", help="only transfers with stock in transit")] = False,
    output: OutputOption = Format.text,
    warehouse_url: WarehouseUrl = DEFAULT_WAREHOUSE_URL,
    token: Token = None,
) -> None:
    """Transfer orders (X1-X6, docs/rules.md#X1): route and shipped / received / in transit; with TRANSFER_NO,
    per receipt line and serial/lot what the receipt still expects (X3)."""

    async def work():
        async with ReadApis(warehouse_url, token=token).open() as read:
            if transfer_no:
                return [await transfers.transfer_order(read, transfer_no)]
            return await transfers.transfer_orders(read, location, in_transit)

    orders = run(work)
    if output == Format.json:
        transfers.show_json(orders)
    elif transfer_no:
        transfers.show_order(orders[0])
    else:
        transfers.show_orders(orders)


@app.command()
def reconcile(
    location: Annotated[list[str] | None, typer.Option(help="a location (repeatable); default: every location")] = None,
    item: Annotated[
        list[str] | None, typer.Option(help="an item (repeatable); default: every item with entries")
    ] = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for every comparison")] = 60.0,
    output: OutputOption = Format.text,
    warehouse_url: WarehouseUrl = DEFAULT_WAREHOUSE_URL,
    token: Token = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """S7 (docs/rules.md#S7): the warehouse reports its bin totals, the inventory compares them with the item
    ledger; prints the differences. Exit codes: 0 all agree, 1 differences, 2 refused, 3 not every item
    compared in time."""

    async def work():
        async with ReadApis(warehouse_url, token=token).open() as read:
            return await reconciliation.reconcile(bootstrap, read, location or [], item or [], timeout)

    reports = run(work)
    (reconciliation.show_json if output == Format.json else reconciliation.show)(reports)
    finish(reconciliation.outcome, reports, timeout)


@app.command()
def lag(
    groups: Annotated[list[str] | None, typer.Option("--group", help="only this consumer group (repeatable)")] = None,
    output: OutputOption = Format.text,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """Per consumer group, topic and partition: the committed offset, the end of the partition and the lag
    between them, as the broker knows them (every instance of a group together)."""
    rows = run(lambda: consumer_lag.lags(bootstrap, groups or []))
    (consumer_lag.show_json if output == Format.json else consumer_lag.show)(rows)


@app.command("import-opening-balances")
def import_opening_balances(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="columns: " + ",".join(opening_balances.COLUMNS))],
    timeout: Annotated[float, typer.Option(help="seconds to wait for the services' answers")] = 120.0,
    warehouse_url: WarehouseUrl = DEFAULT_WAREHOUSE_URL,
    token: Token = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> None:
    """Load initial bin contents with serials/lots: a warehouse adjustment per row, then the adjustment posted to
    the item ledger per location. Running it again changes nothing. Exit codes: 0 loaded, 1 rows rejected,
    2 unreadable file, 3 no answer in time."""

    async def work():
        async with ReadApis(warehouse_url, token=token).open() as read:
            return await opening_balances.import_file(bootstrap, read, file, timeout)

    outcome = run(work)
    opening_balances.show(outcome, file)
    finish(opening_balances.exit_status, outcome)
