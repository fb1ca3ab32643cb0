"""The broker domain: a paper trading account — positions, orders, cash — over market data.

``SandboxBrokerBackend`` is a paper broker over any market data backend; ``HttpBrokerBackend``
speaks Alpaca Trading API v2. The tools are in ``plangate.tools.domains.broker.tools``; the REST
routes in ``plangate.tools.domains.broker.routes``.
"""

from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.http import HttpBrokerBackend
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend

__all__ = ["BrokerBackend", "HttpBrokerBackend", "SandboxBrokerBackend"]
