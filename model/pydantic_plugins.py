"""pydantic without plugins: nothing installed beside the program changes how drafts and format files are validated.

pydantic looks for plugins (packages that hook into every validation) among the entry points of every installed
package, the first time a model is built: it imports importlib.metadata (with the email parser it needs) and reads
the metadata of every package — about 20 ms of every start of every command, for plugins this program never wants.
Its own switch (PYDANTIC_DISABLE_PLUGINS) skips the reading but not the import, so the module that finds plugins is
given here as one that finds none. Imported by model/__init__.py, before any model of ours is built.
"""

from __future__ import annotations

import sys
import types

_LOADER = "pydantic.plugin._loader"  # pydantic 2.x: where pydantic.plugin._schema_validator gets its plugins from


def _no_plugins():
    return ()


if _LOADER not in sys.modules:
    _finds_none = types.ModuleType(_LOADER, "pydantic's plugin loader, finding no plugins (see model.pydantic_plugins)")
    _finds_none.get_plugins = _no_plugins
    sys.modules[_LOADER] = _finds_none
