"""What-if studies: many variants of one plan, solved in parallel and compared side by side.

``definition`` (cases, sweeps; WhatIf sheet, CSV, YAML) -> ``overrides`` (a case applied
to the instance) -> ``runner`` (workers, ``persistent`` warm HiGHS model, ``cache``) ->
``report`` (comparison workbook, charts, plots); ``strategy`` compares assemble-to-order
with make-to-stock. See docs/whatif.md.
"""
