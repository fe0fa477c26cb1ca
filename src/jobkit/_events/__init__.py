"""Event-first waits: AWS's events, read from SQS, wake the targets they name (issue 19).

The engine here (``_protocol``, ``_messages``, ``_sharing``, ``_source``) names no service;
each service's recogniser lives in its folder (``jobkit.amplify._events``, ``jobkit.iot._events``).
"""
