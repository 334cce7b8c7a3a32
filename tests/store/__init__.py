"""Tests of agentmon's store area."""
