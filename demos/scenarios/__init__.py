"""Scripted demo scenarios, one module per agent."""
