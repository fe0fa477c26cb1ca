"""Conversion: what every model shares, and the converter between boto3's dicts and models.

The base class, tolerant enums, the outcome, redaction and the cattrs converter. The bottom
layer: it imports only :mod:`jobkit.errors`, never the engine or a service.
"""
