"""Words that narrow no search: English function words, and the words of a money question that say
"money" without saying which money."""

from __future__ import annotations

__all__ = ["STOP_WORDS", "MONEY_WORDS"]

STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
out over own same she should so some such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your
much many get got give given also via per yet may might shall must us its it's did does
""".split())
MONEY_WORDS = frozenset("""
money funding funded fund grant grants spent spend spending paid cost costs pounds £ gave allocated invested total
amount amounts went go goes gone receive received receiving put towards
""".split())
