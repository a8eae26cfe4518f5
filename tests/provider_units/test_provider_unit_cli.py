"""``provider-unit create`` and ``user create --provider-unit``: the operator's side of the register."""

from __future__ import annotations


def test_the_operator_adds_units_and_providers_name_them(cli, town):
    created = cli("provider-unit", "create", "--municipality", town, "--name", "Psykisk helseteam")
    assert created.exit_code == 0 and "Psykisk helseteam" in created.output
    cli("provider-unit", "create", "--municipality", town, "--name", "Hjemmetjenesten")
    again = cli("provider-unit", "create", "--municipality", town, "--name", "Psykisk helseteam")
    # The CLI has no request: the service's message comes in the default language (bokmål).
    assert again.exit_code != 0 and "finnes allerede" in again.output and "Psykisk helseteam" in again.output
    assert cli("provider-unit", "list", "--municipality", town).output.splitlines() == [
        "Hjemmetjenesten", "Psykisk helseteam"]

    typo = cli("user", "create", "--municipality", town, "--username", "per.utforer", "--role", "provider",
               "--provider-unit", "Psykisk helsetjeneste")
    assert typo.exit_code != 0
    assert "Psykisk helsetjeneste" in typo.output and "Hjemmetjenesten, Psykisk helseteam" in typo.output
    assert cli("provider-unit", "list", "--municipality", town).output.count("\n") == 2  # nothing created
    ok = cli("user", "create", "--municipality", town, "--username", "per.utforer", "--role", "provider",
             "--provider-unit", "Psykisk helseteam")
    assert ok.exit_code == 0, ok.output


def test_an_unknown_municipality_is_refused(cli, town):
    result = cli("provider-unit", "create", "--municipality", "0000", "--name", "Rusteamet")
    assert result.exit_code != 0 and "0000" in result.output
