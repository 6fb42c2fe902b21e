"""`hotlinecompare model`: the cost table and P(cheaper) printed, the figures written; scenarios without code."""

import pytest

from hotlinecompare import cli
from hotlinecompare.errors import HotlineError
from hotlinecompare.models import scenarios


def test_model_with_a_target_and_a_setting_prints_both_options_and_p_cheaper(tmp_path, capsys):
    code = cli.main(["model", "--target", "0.9", "--set", "aht_seconds=300", "--samples", "40",
                     "--figures-out", str(tmp_path), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    assert "aht_seconds set to 300" in out and "in_house" in out and "outsourced" in out
    assert "target 90%: P(outsourcing cheaper)" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model_contract_band_en.png", "model_uncertainty_en.png"]


def test_a_scenario_file_sets_values_ranges_and_targets(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('targets = [0.85]\nsamples = 30\n[set]\ncontractor_margin = 0.2\n[range]\naht_seconds = [200, 300]\n',
                    encoding="utf-8")
    scenario = scenarios.read_scenario(path)
    assert scenario.targets == (0.85,) and scenario.samples == 30
    assert scenario.values == {"contractor_margin": 0.2} and scenario.ranges == {"aht_seconds": (200.0, 300.0)}


def test_a_value_set_outside_its_range_widens_it(inputs):
    scenario = scenarios.parse_settings(["aht_seconds=500"])
    a, table, _, notes = scenarios.apply(inputs, scenario)
    row = table.filter(table["name"] == "aht_seconds").row(0, named=True)
    assert a.aht_seconds == 500 and row["high"] == 500 and any("widened" in n for n in notes)


@pytest.mark.parametrize("setting", ["no_such_name=1", "aht_seconds=fast"])
def test_a_bad_setting_is_an_error(setting):
    with pytest.raises(HotlineError):
        scenarios.parse_settings([setting])
    assert cli.main(["model", "--set", setting, "--samples", "10"]) == 2
