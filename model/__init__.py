"""The report: drafts, formats, values, checks — everything but the windows and the files written from it.

pydantic is set up before any model of the package is built (model.pydantic_plugins).
"""

from model import pydantic_plugins  # noqa: F401
