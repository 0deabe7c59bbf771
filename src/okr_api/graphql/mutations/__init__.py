"""Mutations: one ``input`` argument each, a payload with the result, ``userErrors`` and
the global ``position`` written."""
