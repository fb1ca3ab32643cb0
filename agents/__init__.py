"""plangate agents: configured assistants built from tools, graphs and policies."""

from agents.agent import Agent
from agents.spec import AgentSpec

__all__ = ["Agent", "AgentSpec"]
