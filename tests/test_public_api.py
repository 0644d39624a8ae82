"""The public surface is deliberate: this list changes only on purpose."""

import newsfacts


def test_exported_members():
    assert newsfacts.__all__ == [
        "BuildError",
        "BuildReport",
        "Reject",
        "__version__",
        "build",
        "diff_packages",
        "load",
        "publish",
        "release",
        "sample_dir",
        "validate",
    ]
    for name in newsfacts.__all__:
        assert hasattr(newsfacts, name)
