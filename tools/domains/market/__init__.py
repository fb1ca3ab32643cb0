"""The market domain: quotes, bars, market hours and technical indicators.

``SandboxMarketBackend`` serves seeded prices offline; ``HttpMarketBackend`` speaks Alpaca Market
Data v2. The tools are in ``plangate.tools.domains.market.tools``; the REST routes in
``plangate.tools.domains.market.routes``.
"""

from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.http import HttpMarketBackend
from plangate.tools.domains.market.sandbox import SandboxMarketBackend

__all__ = ["HttpMarketBackend", "MarketDataBackend", "SandboxMarketBackend"]
