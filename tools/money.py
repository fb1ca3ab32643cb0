"""``Money``: an exact amount (Decimal) in an ISO 4217 currency.

Amounts cross JSON as strings (``{"amount": "129.90", "currency": "EUR"}``) so no float ever
rounds a price. Arithmetic between different currencies is a ``ValueError``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

Amount = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=4, allow_inf_nan=False),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
CurrencyCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. 'EUR'.")
]


class Money(BaseModel):
    """An amount of money.

    Attributes:
        amount: the exact amount.
        currency: ISO 4217 code.
    """

    model_config = ConfigDict(frozen=True)

    amount: Amount
    currency: CurrencyCode

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Money rounded to cents."""
        return cls(
            amount=Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_EVEN), currency=currency
        )

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money.of(self.amount * Decimal(factor), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"
