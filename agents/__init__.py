"""plangate agents: configured assistants built from tools, graphs and policies."""
