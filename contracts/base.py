"""Base class of every message on the wire."""

from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False,
                                    description="exact decimal in the item's base unit; JSON string or number")]
"""Quantities are exact decimals; values PostgreSQL's numeric(18,6) cannot hold are invalid on the wire."""
Code = Annotated[str, Field(max_length=50)]


STOCK_KEY = ("item_no", "location_code")


def enum_schema(values: tuple[str, ...]) -> WithJsonSchema:
    """For `Annotated[str, enum_schema(...)]`: a string from a set, an `enum` in the JSON schema. The model
    accepts any string, so that the service refuses a wrong value with a sentence naming the valid ones
    (a rejection event) instead of dead-lettering it; the wire value is the same plain string."""
    return WithJsonSchema({"type": "string", "enum": list(values)})


class Part(BaseModel):
    """A frozen piece of a fact. Readers tolerate unknown fields (ignored), so producers may add
    optional fields within v1."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class CommandPart(Part):
    """A frozen piece of a command: unknown fields are refused, so a misspelt field is an error the sender
    sees (a dead letter naming it, `slt publish` exit 2) rather than a silently applied default."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Message(Part):
    """A whole payload; `TYPE` is its versioned `ce_type`, `KEY` names the fields of its Kafka key."""

    TYPE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]] = ()

    def kafka_key(self) -> str:
        """The stock key that orders this message, e.g. item + location."""
        return "|".join(str(getattr(self, name)) for name in self.KEY)


class StockFact(Message):
    """A fact about one item's stock at a location, keyed `item_no|location_code`, so a reader sees an
    item's facts at a location in the order they happened."""

    KEY = STOCK_KEY


LINES_PER_PART = 500
"""Z2: the most lines (ledger entries and applications, shortages, ...) one part of a fact carries.
500 serial-numbered ledger entries make about 150 kB, well below the 1 MB a Kafka message may have."""


class InParts(Part):
    """A fact whose lines grow with a document is published in parts of at most `LINES_PER_PART`
    lines (Z2): every part repeats all the other fields, so a reader applies each part on its own.
    A fact without these fields (older producers) is whole: part 1 of 1."""

    part: int = Field(default=1, ge=1, description="this part's number, 1..parts (Z2, docs/rules.md#Z2)")
    parts: int = Field(default=1, ge=1, description="how many parts the fact was published in; 1: it is whole")


class Command(Message):
    """A whole command payload: strict like its parts (unknown fields refused). A command that mixes in
    tolerant field groups names it (or `CommandPart`) last among its bases: the last base's configuration wins."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Rejection(Message):
    """Body of a `...command.rejected.v1` event: a refused command: a stable reason code to branch on and a
    sentence a person can act on."""

    command_id: str
    command_type: str
    correlation_id: str
    reason_code: str
    message: str
    details: dict[str, str] = {}



def by_type(*models: type[Message]) -> dict[str, type[Message]]:
    """The models one topic carries, looked up by their `ce_type`."""
    return {model.TYPE: model for model in models}
