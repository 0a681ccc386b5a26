"""Sweeps on a Dask cluster: each shard is one task (``Scenario.shard``), the partials are
merged on the client (``Scenario.merge``) — the result is identical to the in-process sweep.

    from dask.distributed import Client, LocalCluster
    import quota, quota.dask
    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    s = quota.Scenario.bundled()
    result = quota.dask.sweep(client, s, quota.sobol(samples=16384), shards=8)
"""

from __future__ import annotations

from typing import Optional

from . import Scenario, Sweep


def _run_shard(toml_path, toml_text, label, edits, spec, index, count, threads):
    import quota

    s = _rebuild(toml_path, toml_text, label, edits)
    return s.shard(spec, index, count, threads)


def _rebuild(toml_path, toml_text, label, edits):
    from . import Scenario as S

    if toml_path is not None:
        s = S.from_toml(toml_path)
    elif toml_text is not None:
        s = S.from_toml_text(toml_text, label)
    else:
        s = S.bundled()
    for name, args in edits:
        s = getattr(s, name)(*args)
    return s


def sweep(client, scenario: Optional[Scenario], spec: dict, shards: int, threads_per_shard: Optional[int] = 1,
          source=None) -> Sweep:
    """Runs ``spec`` on ``scenario`` as ``shards`` Dask tasks and merges the partials.

    The workers rebuild the scenario from ``source`` — ``None`` (the bundled scenario),
    ``{"path": FILE}`` or ``{"text": TOML}`` — plus the edits listed in ``source["edits"]``
    (``[("with_total", (900,)), …]``); the merge checks their stamp against ``scenario``'s.
    """
    source = source or {}
    edits = list(source.get("edits", []))
    if scenario is None:
        scenario = _rebuild(source.get("path"), source.get("text"), source.get("label", "<text>"), edits)
    futures = [
        client.submit(_run_shard, source.get("path"), source.get("text"), source.get("label", "<text>"), edits,
                      spec, k, shards, threads_per_shard, pure=False, key=f"quota-shard-{k}-of-{shards}-{id(spec)}")
        for k in range(1, shards + 1)
    ]
    partials = client.gather(futures)
    return scenario.merge(partials)
