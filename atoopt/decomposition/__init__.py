"""Decomposition of the extensive form by scenario: a regularised L-shaped method."""

from .blocks import Blocks, NotDecomposableError, split
from .lshaped import LShapedOptions, LShapedResult, lshaped

__all__ = ["Blocks", "LShapedOptions", "LShapedResult", "NotDecomposableError", "lshaped", "split"]
