"""Nothing lost, nothing twice: crashes between commit and acknowledgement, and a broker outage."""

import asyncio

import httpx

from contracts import inventory as inv
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS
from servicekit.database import create_pool
from servicekit.unit_of_work import UnitOfWork
from tests.support.ids import unique
from tests.support.inventory import register_item
from tests.support.services import ServiceProcess


async def test_crash_after_commit_before_ack_is_redelivered_without_duplicate_effect(stack, kafka):
    item_no = unique("CRASH")
    # The regular inventory instance steps aside; an instance that dies right after committing
    # a RegisterItem (before acknowledging it) takes over the consumer group.
    stack.inventory.stop()
    crashing = ServiceProcess(
        "tests.support.crash_after_commit",
        {**{k: v for k, v in stack.inventory.env.items() if k != "HTTP_PORT"},
         "FAULT_CRASH_AFTER_COMMIT": inv.RegisterItem.TYPE},
        stack.inventory.log_path.parent,
        "inventory",
    ).start()
    try:
        command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, register_item(item_no), key=item_no)
        await asyncio.to_thread(crashing.process.wait, 60)
        assert crashing.process.returncode == 137, "the instance should have died after its commit"
    finally:
        crashing.kill()

    # The regular instance gets the unacknowledged command again: the inbox drops it, and the
    # committed outbox row is published once.
    stack.inventory.start()
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id, timeout=60)
    async with httpx.AsyncClient() as client:
        item = await client.get(f"{stack.inventory.url}/items/{item_no}")
    assert item.status_code == 200 and item.json()["item_no"] == item_no
    # A later command on the same key is answered after any re-publication of the first one: the relay
    # publishes in commit order, so once the marker's fact is here, a duplicate would be too.
    marker_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, register_item(item_no),
                                         key=item_no)
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=marker_id, timeout=60)
    events = kafka.matching(type=inv.ItemRegistered.TYPE, causation_id=command_id)
    assert len({e.headers["ce_id"] for e in events}) == 1


async def test_events_written_while_kafka_is_down_are_published_when_it_is_back(stack, kafka):
    infra = stack.infra
    assert infra.kafka_down is not None, f"{infra.kind} infrastructure cannot stop its broker for this drill"
    fact = inv.ItemRegistered(item_no=unique("OUTAGE"), base_unit="PCS", tracking_policy="none",
                              expiration_required=False, strict_expiration=False)
    envelope = Envelope.new(fact.TYPE, "/inventory", subject=fact.item_no)
    await asyncio.to_thread(infra.kafka_down)
    try:
        # A transaction of the running inventory service commits an event while the broker is away.
        pool = await create_pool(stack.inventory_db, 1)
        async with UnitOfWork(pool) as uow:
            uow.outbox.publish(INVENTORY_EVENTS, fact, envelope)
            await uow.commit()
        await pool.close()
        await asyncio.sleep(3)  # the relay tries, fails and backs off
    finally:
        await asyncio.to_thread(infra.kafka_up)
    [published] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, ce_id=envelope.id, timeout=90)
    assert published.json()["item_no"] == fact.item_no
