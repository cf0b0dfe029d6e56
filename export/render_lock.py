"""One lock for reportlab's process-wide state.

reportlab keeps the registered fonts, and the subsets a PDF being built draws from, in module state that is not safe
to share between threads. The app builds PDFs on its preview thread while the window may export, copy or print, so
everything that registers, reads or draws with those fonts takes turns through this lock. It is re-entrant (a PDF
being built looks fonts up) and lives apart from the PDF modules, so that holding it imports nothing.
"""

import threading

REPORTLAB_LOCK = threading.RLock()
