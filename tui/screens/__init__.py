"""agentmon."""
