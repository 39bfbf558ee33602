"""One attachment that always fails (the simulator's ``broken_attachments`` knob) no longer blocks
the nightly intake: ``petitionbot run intake --sign`` stores every petition, the one with the
failing file marked missing, signs every stored item, and ends "完成但有个别失败" (exit 3). Each
later run asks for that one petition again -- and for nothing else -- until the file arrives,
then records it; after that a rerun fetches nothing at all (counted on the simulator)."""

from __future__ import annotations

from petitionbot import cli
from tests.e2e.conftest import dataset, petition
from tests.survival.conftest import FAST

REFS = [f"YH2026{n:06d}" for n in range(1, 9)]
BAD = "YH2026000004"


def fetched(sim) -> tuple[int, int]:
    c = sim.admin.state()["counters"]
    return c.get("detail", 0), c.get("download", 0)


def run_cli(app, capsys) -> tuple[int, str]:
    code = cli.main(["run", "intake", "--sign", "--config", str(app.settings.source)])
    return code, capsys.readouterr().out


def test_a_failing_attachment_is_an_item_failure_and_is_fetched_again_until_it_arrives(make_env, capsys):
    app, sim = make_env(dataset(*(petition(r) for r in REFS)), **FAST)
    sim.admin.set_knobs(broken_attachments=[BAD])

    code, out = run_cli(app, capsys)
    assert code == 3, out
    assert "取件完成但有个别失败" in out and f"附件未齐 {BAD}" in out and "下次运行时重试" in out
    assert app.store.refs() == set(REFS)
    missing = app.store.get(BAD).attachments[0]
    assert missing.missing and missing.path == "" and missing.sha256 == ""
    assert sorted(sim.admin.state()["signed"]) == REFS  # signing went on, item by item
    assert all(app.store.get(r).signed_on is not None for r in REFS)

    before = fetched(sim)
    code, out = run_cli(app, capsys)  # still failing: only that petition is asked for again
    assert code == 3, out
    after = fetched(sim)
    assert after[0] - before[0] == 1 and after[1] - before[1] >= 1

    sim.admin.set_knobs(broken_attachments=[])
    code, out = run_cli(app, capsys)
    assert code == 0, out
    att = app.store.get(BAD).attachments[0]
    assert not att.missing and (app.workdir / att.path).read_bytes() == "照片说明".encode()
    assert any(h["field"] == "attachments" for h in app.store.history(BAD))  # the arrival is recorded

    before = fetched(sim)
    code, out = run_cli(app, capsys)
    assert code == 0 and fetched(sim) == before  # complete now: nothing is fetched again
