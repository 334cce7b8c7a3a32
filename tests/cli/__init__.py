"""Tests of agentmon's cli area."""
