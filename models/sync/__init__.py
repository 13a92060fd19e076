"""Offline county checkouts of the shared city inventory, and conflict-aware sync.

- :mod:`models.sync.merge`: the three-way merge, field by field (pure functions);
- :mod:`models.sync.local`: what a checkout keeps beside its layers (base values and server
  versions, sync state, open conflicts, which audit rows the server has);
- :mod:`models.sync.checkout`: ``server init`` and ``checkout``;
- :mod:`models.sync.push` / :mod:`models.sync.pull`: the two halves of a sync;
- :mod:`models.sync.engine`: ``sync`` = push then pull, and the open Workspace told;
- the command line is :mod:`cli.sync`.

Qt-free (docs/SYNC.md).
"""
