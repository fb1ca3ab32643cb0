"""The broker domain: a paper trading account — positions, orders, cash — over market data.

``SandboxBrokerBackend`` is a paper broker over any market data backend; ``HttpBrokerBackend``
speaks Alpaca Trading API v2. The tools are in ``tools.broker.tools``; the REST routes in
``tools.broker.routes``.
"""

from tools.broker.backend import BrokerBackend
from tools.broker.http import HttpBrokerBackend
from tools.broker.sandbox import SandboxBrokerBackend

__all__ = ["BrokerBackend", "HttpBrokerBackend", "SandboxBrokerBackend"]
