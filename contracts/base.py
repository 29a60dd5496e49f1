"""Base class of every message on the wire."""

from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False,
                                    description="exact decimal in the item's base unit; JSON string or number")]
"""Quantities are exact decimals; values PostgreSQL's numeric(18,6) cannot hold are invalid on the wire."""
Code = Annotated[str, Field(max_length=50)]


class Part(BaseModel):
    """A frozen piece of a message. Readers tolerate unknown fields (ignored), so producers may add
    optional fields within v1."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Message(Part):
    """A whole payload; `TYPE` is its versioned `ce_type`, `KEY` names the fields of its Kafka key."""

    TYPE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]] = ()

    def kafka_key(self) -> str:
        """The stock key that orders this message, e.g. item + location."""
        return "|".join(str(getattr(self, name)) for name in self.KEY)


class Rejection(Message):
    """Body of a `...command.rejected.v1` event: a refused command: a stable reason code to branch on and a sentence a person can act on."""

    command_id: str
    command_type: str
    correlation_id: str
    reason_code: str
    message: str
    details: dict[str, str] = {}



def by_type(*models: type[Message]) -> dict[str, type[Message]]:
    """The models one topic carries, looked up by their `ce_type`."""
    return {model.TYPE: model for model in models}
