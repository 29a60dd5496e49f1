"""Use cases of the warehouse-tracking service: one function per message type.

Each runs inside the unit of work the consumer opened (inbox row already claimed): load what the
domain needs, let the domain decide, store the outcome, queue the facts in the outbox.
"""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.envelope import Envelope
from contracts.topics import WAREHOUSE_EVENTS
from servicekit.unit_of_work import UnitOfWork
from warehouse import messages, repository
from warehouse.domain.location import configure_location as configure

SOURCE = "/warehouse"


async def configure_location(uow: UnitOfWork, command: wh.ConfigureLocation, envelope: Envelope) -> None:
    descriptions = {z.code: z.description for z in command.zones}
    outcome = configure(
        command.location_code,
        zones=[z.code for z in command.zones],
        bins=[messages.domain_bin(b) for b in command.bins],
        receive_bin=command.receive_bin,
        ship_bin=command.ship_bin,
        adjustment_bin=command.adjustment_bin,
        pick_by_fefo=command.pick_by_fefo,
    )
    await repository.save_location(uow.conn, outcome.location, descriptions)
    for event in outcome.events:
        fact = messages.location_configured(event, descriptions)
        uow.outbox.publish(WAREHOUSE_EVENTS, fact, envelope.caused(fact.TYPE, SOURCE, subject=fact.kafka_key()))


async def replicate_item_tracking(uow: UnitOfWork, fact: inv.ItemRegistered, envelope: Envelope) -> None:
    """Inventory owns items; the warehouse keeps the tracking policy it needs to validate lines (T1)."""
    await repository.save_item_tracking(
        uow.conn, fact.item_no, fact.tracking_policy, fact.expiration_required, fact.strict_expiration
    )
