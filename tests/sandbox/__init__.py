"""Tests of the sandbox: the remote side over real loopback HTTP."""
