"""The compiled parts of redline, built with this machine's C compiler: the log-retention scanner, the
aigc-label quick scan and the content-screen hot paths.

Everything else is declared in pyproject.toml. The extensions are optional: where no compiler is found the
build goes on without them and each probe uses its pure-Python path (REDLINE_PURE_PYTHON=1 forces that path).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "redline.probes.log_retention._scan",
            ["src/redline/probes/log_retention/_scan.c"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
        Extension(
            "redline.probes.aigc._markers",
            ["src/redline/probes/aigc/_markers.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
        Extension(
            "redline.probes.content_screen._fast",
            ["src/redline/probes/content_screen/_fast.c"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
    ]
)
