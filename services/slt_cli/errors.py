"""Exit codes of `slt`, and the error that carries one up to the command line."""

FAILED = 1  # the service refused the command (`publish --wait`), or Kafka failed
INVALID_INPUT = 2  # as for a usage error: unknown type or topic, data that breaks the contract
NO_ANSWER = 3  # `publish --wait` saw nothing caused by the command in time


class CliError(Exception):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code
