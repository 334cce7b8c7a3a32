"""Tests of agentmon's sync area."""
