"""(Being written for the layers issue.)"""

from __future__ import annotations

from .common import Config, Result

NAME = "recurrent"
TITLE = "recurrent layers"


def run(config: Config) -> Result:
    return Result(NAME, TITLE, [], [], {})
