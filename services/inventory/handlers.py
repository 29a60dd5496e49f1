"""Use cases of the inventory/reservation service: one function per message type.

Each runs inside the unit of work the consumer opened (inbox row already claimed): load what the
domain needs, let the domain decide, store the outcome, queue the facts in the outbox.
"""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_EVENTS
from inventory import messages, repository
from inventory.domain.items import register_item as register
from servicekit.unit_of_work import UnitOfWork

SOURCE = "/inventory"


async def register_item(uow: UnitOfWork, command: inv.RegisterItem, envelope: Envelope) -> None:
    registration = register(
        command.item_no,
        command.base_unit,
        command.tracking_policy,
        command.expiration_required,
        command.strict_expiration,
        registered=await repository.get_item(uow.conn, command.item_no),
    )
    if registration.is_new:
        await repository.add_item(uow.conn, registration.item)
    for event in registration.events:
        fact = messages.item_registered(event)
        uow.outbox.publish(INVENTORY_EVENTS, fact, envelope.caused(fact.TYPE, SOURCE, subject=fact.kafka_key()))


async def replicate_location(uow: UnitOfWork, fact: wh.LocationConfigured, envelope: Envelope) -> None:
    """The warehouse owns locations; inventory needs their codes to accept location-level work (I3, I4)."""
    await repository.save_location(uow.conn, fact.location_code)
