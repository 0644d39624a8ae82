"""newsfacts: raw news articles in, a validated, versioned dataset out.

>>> import newsfacts
>>> report = newsfacts.build(["articles/"], "datapackage")  # doctest: +SKIP
>>> newsfacts.validate("datapackage")  # doctest: +SKIP
[]
"""

from newsfacts.__about__ import __version__
from newsfacts.build import BuildReport, build, sample_dir, validate
from newsfacts.diff import diff_packages
from newsfacts.loader import load
from newsfacts.publish import publish
from newsfacts.records import BuildError, Reject
from newsfacts.release import release

__all__ = [
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
