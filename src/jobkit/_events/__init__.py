"""Event-first waits: AWS's events, read from SQS, wake the targets they name (issue 19).

The engine here (``_protocol``, ``_messages``, ``_sharing``, ``_source``) names no service;
``amplify_events`` and ``iot_events`` are the services' recognisers, self-contained so they can
move into their service folders.
"""
