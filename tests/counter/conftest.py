import pytest


@pytest.fixture(autouse=True)
def counter_reference_data(request):
    """The tariff and demo PIN directory come from data migrations; a transactional test
    (ours or another app's) empties the database, so put them back when they are gone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from counter.seed import reference_data_ensure

    reference_data_ensure()


@pytest.fixture(autouse=True)
def counter_reference_cache():
    """Each test starts with the per-process reference cache empty (a rolled-back test
    must not leave its PINs or prices behind)."""
    from counter.refdata import reference_clear

    reference_clear()
    yield
    reference_clear()
