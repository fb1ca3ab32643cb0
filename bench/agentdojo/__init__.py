"""agentdojo: plangate's defences on AgentDojo's prompt-injection benchmark (v1.2.2)."""
