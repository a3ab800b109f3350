"""Plug-ins used by the tests as a third party would write them."""
