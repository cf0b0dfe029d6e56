"""What a total stated by a source (an imported published report) can be besides a number.

A report may print a total's cell blank — not 0, and not left out of the report. The draft keeps that as the
stated value BLANK_TOTAL, so the checks can name it, while the cell shows, sums and exports the computed
value as for any total.
"""

BLANK_TOTAL = "空白"
