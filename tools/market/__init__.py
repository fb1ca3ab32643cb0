"""The market domain: quotes, bars, market hours and technical indicators.

``SandboxMarketBackend`` serves seeded prices offline; ``HttpMarketBackend`` speaks Alpaca Market
Data v2. The tools are in ``tools.market.tools``; the REST routes in ``tools.market.routes``.
"""

from tools.market.backend import MarketDataBackend
from tools.market.http import HttpMarketBackend
from tools.market.sandbox import SandboxMarketBackend

__all__ = ["HttpMarketBackend", "MarketDataBackend", "SandboxMarketBackend"]
