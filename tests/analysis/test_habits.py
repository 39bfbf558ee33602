"""本办习惯: the categories an office's clerks corrected pull close new petitions their way. The
cases are corpus 10's (tuning data), whose writer, as the office's clerk, files every complaint
about e-bikes charged indoors under 政法 (its habit H1); the model reads them as 城乡建设."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.analysis import classify, flow, taxonomy
from flows.analysis.settings import BUILTIN_TAXONOMY, AnalysisSettings
from tests.analysis.helpers import CTX
from tests.data.analysis.corpus import half

TAX = taxonomy.load(BUILTIN_TAXONOMY)
LIFT, SHOP, VILLAGE = "BT10-2026-0021", "BT10-2026-0191", "BT10-2026-0154"


@pytest.fixture(scope="module")
def dev10():
    ps, _ = half("dev10")
    return {p.ref: p for p in ps}


def classifier() -> classify.Classifier:
    return classify.Classifier(TAX, classify.base_model(), CTX)


def test_a_corrected_category_pulls_a_close_new_petition_and_says_why(dev10):
    # An e-bike pushed into the lift to be charged at home (corrected to 政法), then a visit about an
    # e-bike repair shop charging a dozen bikes on the pavement below a flat (word cosine 0.30).
    # (Until round fourteen the case here was 0223, e-bikes charged under the stairs of a rented
    # house; the base model fitted on 21 corpora reads that one as 政法 on its own.)
    plain = classifier()
    assert plain.predict([dev10[LIFT], dev10[SHOP]]) == ["城乡建设", "城乡建设"]
    office = classifier()
    assert office.remember([(dev10[LIFT], "政法")]) == 1
    s = office.suggest_many([dev10[SHOP]], use_labels=False)[0]
    assert s.category == "政法" and "本办习惯" in s.why and LIFT in s.why


def test_a_faint_likeness_or_an_agreeing_label_moves_nothing(dev10):
    # A village flat's flying leads share "充电" with the lift case and little else (cosine 0.07):
    # the office's habit is not stretched that far.
    office = classifier()
    office.remember([(dev10[LIFT], "政法")])
    assert office.predict([dev10[VILLAGE]]) == classifier().predict([dev10[VILLAGE]])
    # A label the suggestion already agrees with teaches nothing and is not kept.
    agreeing = classifier()
    assert agreeing.remember([(dev10[LIFT], "城乡建设")]) == 0 and agreeing.habits is not None
    assert agreeing.predict([dev10[SHOP]]) == ["城乡建设"]


def test_the_analysis_run_remembers_what_the_clerks_confirmed(dev10):
    corrected = replace(dev10[LIFT], clerk={"category_confirmed": "政法"})
    rows, _, _ = flow.analyse([corrected, dev10[SHOP]], AnalysisSettings(), TAX, classify.base_model(), ctx=CTX)
    row = {r["ref"]: r for r in rows}[SHOP]
    assert (row["category_suggested"], row["category_source"]) == ("政法", "model")
    assert "本办习惯" in row["category_why"]
    rows, _, _ = flow.analyse([dev10[LIFT], dev10[SHOP]], AnalysisSettings(), TAX, classify.base_model(), ctx=CTX)
    assert {r["ref"]: r for r in rows}[SHOP]["category_suggested"] == "城乡建设"  # no clerk, no habit


def test_training_reports_the_habits_it_keeps(tmp_path):
    # An office that confirmed its first 100 petitions of corpus 10: the fine-tuned model still
    # gets some of its habits wrong, and those corrections are what the analysis run remembers.
    ps, truth = half("dev10")
    confirmed = [replace(p, clerk={"category_confirmed": truth[p.ref]["category"]}) for p in ps[:100]]
    rep = classify.train(confirmed, TAX, tmp_path, ctx=CTX)
    assert rep.samples == 100 and rep.path
    office = classify.Classifier(TAX, classify.load_model(tmp_path), CTX)
    assert rep.habits == office.remember_clerks(confirmed) > 0
    kept = {c.ref for c in office.habits.corrections}
    assert all(truth[r].get("habit") for r in kept)  # 16 of the 100, every one filed by a habit
