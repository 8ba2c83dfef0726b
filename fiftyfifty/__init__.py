"""Loos-en-Gohelle's fifty/fifty (seed 003): an idea, the commune's support, a convention; and initiatives
carried without a convention, recorded so that the town can showcase them. No committee and no grant vote."""
