"""`slt`, the operator CLI: publish commands, watch topics, inspect and replay dead letters.

It speaks the wire contract (`contracts/`) over plain Kafka clients, like any outside producer;
it imports nothing from the services.
"""
