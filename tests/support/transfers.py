"""A transfer between two locations of their own through an in-transit location, driven over Kafka (X1-X6)."""

from decimal import Decimal

from contracts import inventory as inv
from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.journey import Journey

D = Decimal


class Transfer:
    """Source A, destination B and an in-transit location between them, with both services running."""

    def __init__(self, source: Journey, destination: Journey, in_transit: str) -> None:
        self.source, self.destination, self.in_transit = source, destination, in_transit
        self.warehouse = source.warehouse

    @classmethod
    async def start(cls, stack, kafka) -> "Transfer":
        source, destination = await Journey(stack, kafka).start(), await Journey(stack, kafka).start()
        in_transit = unique("TRANSIT")
        await source.warehouse.run(wh.ConfigureLocation, {
            "location_code": in_transit, "kind": "in_transit", "receive_bin": "", "ship_bin": "",
            "adjustment_bin": ""}, wh.LocationConfigured)
        return cls(source, destination, in_transit)

    async def release(self, item_no: str, quantity: int) -> str:
        transfer_no = unique("TO")
        await self.source.run(wh.ReleaseTransferOrder, {
            "transfer_no": transfer_no, "from_location": self.source.location,
            "to_location": self.destination.location, "in_transit_location": self.in_transit,
            "lines": [{"line_no": 10000, "item_no": item_no, "quantity": str(quantity)}]}, wh.ShipmentReleased)
        return transfer_no

    async def ship(self, transfer_no: str) -> dict:
        """W4-W6 at the source; returns the TransferShipped fact once inventory posted the transfer entries."""
        command_id = await self.warehouse.send(wh.PostShipment, {"shipment_no": transfer_no})
        [posted] = await self.source.facts(command_id, wh.ShipmentPosted)
        assert posted.json()["transfer"]["in_transit_location"] == self.in_transit
        await self.source.answered([posted], inv.LedgerEntriesPosted)
        [shipped] = await self.source.facts(command_id, wh.TransferShipped)
        return shipped.json()

    async def receive(self, transfer_no: str, lines: list[dict]) -> dict:
        posted = await self.destination.run(wh.PostReceipt, {"receipt_no": transfer_no, "lines": [
            {"line_no": 1, **line} for line in lines]}, wh.ReceiptPosted)
        await self.destination.answered(posted, inv.LedgerEntriesPosted)
        return posted[0].json()

    async def reserve(self, order: str, item_no: str, quantity: int, **options: str) -> dict:
        """A demand at the destination reserves; the ReservationCreated or the refusal."""
        command_id = await self.destination.send_reserve(item_no, order, quantity, **options)
        [answer] = await self.source.kafka.wait_until(
            lambda m: m.headers.get("causation_id") == command_id
            and m.type in (inv.ReservationCreated.TYPE, inv.CommandRejected.TYPE), describe=f"answer to {command_id}")
        return answer.json()

    async def reservations(self, order: str) -> dict[tuple[str, str], Decimal]:
        """{(location, lot): quantity} of the demand's reservation rows."""
        line = await self.source.inventory(f"/demands/sales_order/{order}/1")
        return {(row["location_code"], row["lot_no"]): D(row["quantity"]) for row in line["reservations"]}

    async def ledger(self, location: str, item_no: str) -> list[dict]:
        return (await self.source.inventory(f"/items/{item_no}/ledger-entries", location=location))["entries"]

    async def in_transit_reconciled(self, items: int = 1) -> list[dict]:
        """X6: the warehouse reports what it shipped through the in-transit location and has not received."""
        reported = await self.source.run(wh.ReportBinTotals, {"request_id": unique("S7"),
                                                             "location_code": self.in_transit},
                                         wh.BinTotalsReported, items)
        return await self.source.answered(reported, inv.ReconciliationReported)


async def partly_received(stack, kafka) -> tuple[Transfer, str, str]:
    """A lot-tracked item (lot L1) shipped 3 from A to B, 1 received: 2 in transit. (transfer, its no, item)."""
    transfer = await Transfer.start(stack, kafka)
    item_no = await transfer.source.item("lot")
    await transfer.source.stock_up(item_no, [{"lot": "L1", "quantity": "3"}])
    transfer_no = await transfer.release(item_no, 3)
    await transfer.source.register_all((await transfer.source.pick(transfer_no))[item_no])
    await transfer.ship(transfer_no)
    await transfer.receive(transfer_no, [{"lot": "L1", "quantity": "1"}])
    return transfer, transfer_no, item_no
