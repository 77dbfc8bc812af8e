"""Readable default run names such as ``brisk-otter-3f2a``."""

from __future__ import annotations

import random

_ADJECTIVES = (
    "amber bold brisk calm clever crisp dapper eager fancy gentle glad grand happy hasty jolly "
    "keen lively lucky mellow merry nimble noble proud quick quiet rapid sharp shiny silent "
    "sleek smart snowy solid spry steady sunny swift tidy vivid warm wise witty zesty"
).split()
_NOUNS = (
    "otter falcon lynx heron badger beaver bison crane dolphin eagle ferret finch fox gecko "
    "hare ibis jaguar koala lemur marten newt orca owl panda puffin quail raven salmon seal "
    "shrike sparrow stork tapir tiger toucan viper walrus wombat yak zebra"
).split()


def run_name(run_id: str) -> str:
    rng = random.Random(run_id)
    return f"{rng.choice(_ADJECTIVES)}-{rng.choice(_NOUNS)}-{run_id[:4]}"
