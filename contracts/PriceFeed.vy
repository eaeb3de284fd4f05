# pragma version 0.4.3
"""
@title PriceFeed
@notice Chainlink-compatible price feed (AggregatorV3Interface) whose answers are pushed by one
        `operator`: the replica's stand-in for Chainlink's ETH/USD, BTC/USD and USDC/USD feeds.
@dev Each `update` opens a new round; every round stays readable through `getRoundData`.
     `startedAt == updatedAt == block.timestamp` of the update and `answeredInRound == roundId`.
"""

event AnswerUpdated:
    current: indexed(int256)
    roundId: indexed(uint256)
    updatedAt: uint256

event OperatorChanged:
    operator: indexed(address)

struct Round:
    answer: int256
    updated_at: uint256

decimals: public(uint8)
description: public(String[64])
version: public(uint256)
operator: public(address)
latestRound: public(uint80)
rounds: HashMap[uint80, Round]


@deploy
def __init__(decimals_: uint8, description_: String[64], operator_: address):
    """
    @param decimals_ Decimals of the answer (8 for Chainlink's USD feeds).
    @param description_ Pair description, e.g. "ETH / USD".
    @param operator_ The only account that may push answers.
    @dev The constructor writes fixed slots only (no round), so the deployed feed can be moved
         to a canonical address with its storage; round 1 comes with the first `update`.
    """
    self.decimals = decimals_
    self.description = description_
    self.version = 4
    self.operator = operator_
    log OperatorChanged(operator=operator_)


@external
def update(answer: int256):
    """
    @notice Push a new answer as a new round. Operator only.
    @param answer Price in `decimals` fixed point; must be positive.
    """
    assert msg.sender == self.operator, "feed: not operator"
    self._push(answer)


@external
def set_operator(operator_: address):
    """
    @notice Hand the operator role to `operator_`. Operator only.
    """
    assert msg.sender == self.operator, "feed: not operator"
    self.operator = operator_
    log OperatorChanged(operator=operator_)


@view
@external
def latestAnswer() -> int256:
    """
    @notice The latest answer (legacy AggregatorInterface); 0 before the first answer.
    """
    return self.rounds[self.latestRound].answer


@view
@external
def latestRoundData() -> (uint80, int256, uint256, uint256, uint80):
    """
    @notice (roundId, answer, startedAt, updatedAt, answeredInRound) of the latest round.
    @dev Reverts before the first answer.
    """
    assert self.latestRound != 0, "feed: no data"
    return self._round(self.latestRound)


@view
@external
def getRoundData(round_id: uint80) -> (uint80, int256, uint256, uint256, uint80):
    """
    @notice (roundId, answer, startedAt, updatedAt, answeredInRound) of round `round_id`.
    @dev Reverts for a round that does not exist, as Chainlink's aggregators do.
    """
    assert round_id != 0 and round_id <= self.latestRound, "feed: no data"
    return self._round(round_id)


@view
@internal
def _round(round_id: uint80) -> (uint80, int256, uint256, uint256, uint80):
    r: Round = self.rounds[round_id]
    return (round_id, r.answer, r.updated_at, r.updated_at, round_id)


@internal
def _push(answer: int256):
    assert answer > 0, "feed: answer must be positive"
    round_id: uint80 = self.latestRound + 1
    self.latestRound = round_id
    self.rounds[round_id] = Round(answer=answer, updated_at=block.timestamp)
    log AnswerUpdated(current=answer, roundId=convert(round_id, uint256), updatedAt=block.timestamp)
