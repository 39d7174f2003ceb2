"""One public surface: ``dutygraph.__all__`` is sorted and lists exactly the public names."""

import dutygraph


def test_all_is_sorted_and_complete():
    public = {name for name in vars(dutygraph) if not name.startswith("_")}
    modules = {n for n in public if type(getattr(dutygraph, n)).__name__ == "module"}
    assert dutygraph.__all__ == sorted(dutygraph.__all__, key=lambda n: (not n.isupper(), n))
    assert set(dutygraph.__all__) == public - modules


def test_every_public_name_is_documented():
    for name in dutygraph.__all__:
        obj = getattr(dutygraph, name)
        if callable(obj):
            assert obj.__doc__, f"{name} has no docstring"
