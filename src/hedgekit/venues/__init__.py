"""Hedge venues behind small protocols (:mod:`hedgekit.venues.protocols`): readers that return
frozen snapshots tagged with their block, and builders that return unsigned transactions.
Nothing in this package sends a transaction."""
