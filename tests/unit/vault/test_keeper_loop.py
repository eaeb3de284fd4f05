"""The keeper's loop: a step the node did not answer is retried with a doubling backoff, any
other error still ends the loop; the predicate that tells a lost connection from an answer."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import requests

from hedgekit.chain.rpc import node_unreachable
from hedgekit.errors import ChainError, NodeUnreachableError, SimulationError
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.vault.journal import Journal
from hedgekit.vault.keeper import MAX_BACKOFF, Keeper, StepResult

VAULT = "0x" + "ab" * 20


class _Signer:
    address = "0x" + "cd" * 20


def _keeper(tmp_path: Path, outcomes: list[Any]) -> tuple[Keeper, list[float]]:
    keeper = Keeper(object(), VAULT, _Signer(), Journal(tmp_path / "j.sqlite"),  # type: ignore[arg-type]
                    HedgePolicy())
    pauses: list[float] = []

    def step() -> StepResult:
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return StepResult(1, None, outcome, "")

    def wait(seconds: float) -> bool:
        pauses.append(seconds)
        return False

    keeper.step = step  # type: ignore[method-assign]
    keeper.stop_requested.wait = wait  # type: ignore[method-assign]
    return keeper, pauses


def _lost() -> ChainError:
    """What a dropped answer looks like from a step: requests' error, wrapped by hedgekit."""
    try:
        raise requests.exceptions.ConnectionError("Remote end closed connection")
    except requests.exceptions.ConnectionError as err:
        try:
            raise ChainError(f"sending tend failed: {err}") from err
        except ChainError as wrapped:
            return wrapped


def test_run__steps_the_node_did_not_answer__are_retried_with_a_doubling_backoff(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    outcomes: list[Any] = [_lost(), NodeUnreachableError("no answer"), _lost(), "no action",
                           _lost()]
    keeper, pauses = _keeper(tmp_path, outcomes)
    with caplog.at_level(logging.WARNING, "hedgekit.vault.keeper"):
        assert keeper.run(interval=1.0, max_steps=5) == 5
    assert pauses == [2.0, 4.0, 8.0, 1.0]  # the success resets the backoff; no wait after 5
    assert caplog.text.count("the node did not answer") == 4
    assert outcomes == []


def test_run__backoff_is_capped(tmp_path: Path) -> None:
    keeper, pauses = _keeper(tmp_path, [_lost() for _ in range(9)])
    keeper.run(interval=1.0, max_steps=9)
    assert max(pauses) == MAX_BACKOFF and pauses[-1] == MAX_BACKOFF


@pytest.mark.parametrize("error", [SimulationError("tend", "vault: cooldown"),
                                   ChainError("Multicall3 batch failed: revert"),
                                   ValueError("a bug")])
def test_run__any_other_error__ends_the_loop_and_releases_the_lock(
        tmp_path: Path, error: Exception) -> None:
    keeper, _ = _keeper(tmp_path, ["no action", error])
    with pytest.raises(type(error)):
        keeper.run(interval=0.0, max_steps=5)
    again, _ = _keeper(tmp_path, ["no action"])
    assert again.run(interval=0.0, max_steps=1) == 1  # the lock was released


def test_node_unreachable__follows_the_cause_chain_and_ignores_answers() -> None:
    assert node_unreachable(_lost())
    assert node_unreachable(TimeoutError("read timed out"))
    assert node_unreachable(requests.exceptions.ReadTimeout("slow"))
    assert not node_unreachable(ChainError("execution reverted: vault: cooldown"))
    assert not node_unreachable(ValueError("bad"))
