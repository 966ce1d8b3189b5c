"""(Being written for the layers issue.)"""

from __future__ import annotations

from .common import Config, Result

NAME = "convolution"
TITLE = "convolution layers"


def run(config: Config) -> Result:
    return Result(NAME, TITLE, [], [], {})
