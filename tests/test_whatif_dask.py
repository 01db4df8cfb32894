"""The same study on a Dask cluster: a LocalCluster of two worker processes started here."""

from __future__ import annotations

from pathlib import Path

import pytest

from atoopt.instance import load
from atoopt.studies.definition import Study, parse_sweep, sweep_cases
from atoopt.studies.runner import run_study

distributed = pytest.importorskip(
    "distributed", reason="dask[distributed] (the 'cluster' extra) is not installed: pip install 'atoopt[cluster]'"
)

PC_MAKER = Path(__file__).resolve().parents[1] / "instances" / "pc_maker.xlsx"


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")
def test_study_on_a_local_dask_cluster_matches_this_process():
    instance = load(PC_MAKER)
    study = Study()
    study.add(sweep_cases([parse_sweep("shortage_cost=x1,2,3"), parse_sweep("demand=x0.9,1.1")]))
    here = run_study(instance, study, jobs=1, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_study(instance, study, scheduler=cluster.scheduler_address, progress=False)
    assert remote.workers.startswith(f"Dask cluster {cluster.scheduler_address}")
    assert [r["case"] for r in remote.records] == [r["case"] for r in here.records]
    for a, b in zip(remote.records, here.records):
        assert a["status"] == b["status"] == "optimal"
        assert a["expected_total_cost"] == pytest.approx(b["expected_total_cost"], rel=1e-9)
        assert a["stock"] == pytest.approx(b["stock"], rel=1e-6, abs=1e-6)
    assert any(r["how"] == "warm" for r in remote.records)  # each worker kept its model between cases


def test_a_missing_scheduler_is_a_clear_error(monkeypatch):
    from atoopt.errors import AtooptError
    from atoopt.studies import runner

    monkeypatch.setattr(runner, "DASK_CONNECT_SECONDS", 2)
    instance = load(PC_MAKER)
    study = Study()
    study.add(sweep_cases([parse_sweep("demand=x2")]))
    with pytest.raises(AtooptError, match=r"could not reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_study(instance, study, scheduler="tcp://127.0.0.1:9", progress=False)
