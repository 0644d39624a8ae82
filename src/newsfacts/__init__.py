"""newsfacts: raw news articles in, a validated, versioned dataset out.

>>> import newsfacts
>>> report = newsfacts.build(["articles/"], "datapackage")  # doctest: +SKIP
>>> newsfacts.validate("datapackage")  # doctest: +SKIP
[]
"""

from newsfacts.__about__ import __version__
from newsfacts.build import BuildReport, build, sample_dir, validate
from newsfacts.records import BuildError, Reject

__all__ = [
    "BuildError",
    "BuildReport",
    "Reject",
    "__version__",
    "build",
    "sample_dir",
    "validate",
]
