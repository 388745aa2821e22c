from typing import Any

class Scanner:
    def __init__(
        self, parts: list[tuple[int, bytes, int, int]], nslots: int, time_slot: int, future_after: int, max_line: int, /
    ) -> None: ...
    def feed(
        self, chunk: bytes | memoryview, want_rows: int, want_unparsed: int, /
    ) -> tuple[list[tuple[bytes, ...]], list[bytes]]: ...
    def result(self) -> dict[str, Any]: ...
