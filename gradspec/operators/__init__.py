"""The operator table: every differentiable operator gradspec checks, declared once in YAML.

``specs/_operators/*.yaml`` holds one family of operators per file (schema:
``specs/operator-table.schema.json``).  An entry names the operator as PyTorch's OpInfo
database does, draws its arguments with the ``given`` language, and states its documented
dtypes, differentiable arguments, second-order and forward-mode support, NumPy reference and
non-differentiable points.  A spec with ``over: operators`` runs once per entry
(``operators.vjp[exp]``), so every operator has its own verdict.
"""
