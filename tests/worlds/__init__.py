"""Shared worlds for the tests: personas, the small municipalities, the pilot worlds. Test folders import these
from here, never from each other."""
