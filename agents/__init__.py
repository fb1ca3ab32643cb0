"""plangate agents: configured assistants built from tools, graphs and policies."""

from plangate.agents.agent import Agent
from plangate.agents.spec import AgentSpec

__all__ = ["Agent", "AgentSpec"]
