"""The memo remembers up to its size, forgets the least recently used first, and 0 keeps none."""

from bot.core.memo import Memo


def test_the_least_recently_used_value_is_forgotten_first():
    calls: list[str] = []
    memo: Memo[str, str] = Memo(2)

    def compute(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert [memo.lookup(k, compute) for k in ["a", "b", "a", "c", "a", "b"]] == list("ABACAB")
    assert calls == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
    assert len(memo) == 2


def test_a_memo_of_size_zero_computes_every_time():
    calls: list[int] = []
    memo: Memo[int, int | None] = Memo(0)
    for _ in range(3):
        memo.lookup(1, lambda key: calls.append(key))
    assert calls == [1, 1, 1]
    assert len(memo) == 0
