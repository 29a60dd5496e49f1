"""Exit codes of `slt`, and the error that carries one up to the command line."""

FAILED = 1  # the service refused the command (`publish --wait`), or Kafka failed
INVALID_INPUT = 2  # as for a usage error: unknown type or topic, data that breaks the contract
NO_ANSWER = 3  # `publish --wait` saw nothing caused by the command in time


class CliError(Exception):
    """`message` says what went wrong in words any front end can show (the console shows it as is);
    `hint` says what to change in the command line (the flag or environment variable), for `slt` only."""

    def __init__(self, message: str, exit_code: int, hint: str = "") -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.hint = hint


class KafkaUnreachable(CliError):
    """No broker answered at the addresses tried."""

    def __init__(self, bootstrap: str, cause: Exception) -> None:
        super().__init__(
            f"cannot reach Kafka at {bootstrap} ({type(cause).__name__})",
            FAILED,
            "check that the broker runs there, or point slt at it with --bootstrap HOST:PORT "
            "or KAFKA_BOOTSTRAP_SERVERS",
        )
        self.bootstrap = bootstrap
