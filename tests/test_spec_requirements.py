"""Each spec names the capabilities its steps use, so a library without one of them reports the
spec not applicable instead of an error."""
from __future__ import annotations

import re

import pytest

from gradspec.loader import load_specs

#: Step-language text that always needs a capability (receiver-independent names only).
USES = {
    "requires_grad": r"\.(requires_grad|is_leaf)\b|\.requires_grad_\(",
    "grad_fn": r"\.grad_fn\b",
    "backward": r"\.backward\(",
    "data_alias": r"\.data\b",
    "grad_modes": r"\bno_grad\b",
    "enable_grad": r"\benable_grad\(",
    "set_grad_enabled": r"\bset_grad_enabled\(",
    "inference_mode": r"\binference_mode\(|\.is_inference\(|is_inference_mode_enabled\(",
    "autograd_grad": r"\bautograd_grad\(",
    "hooks": r"\.register_hook\(",
    "post_accumulate_hooks": r"\.register_post_accumulate_grad_hook\(",
    "retain_grad": r"\.retain_grad\(|\.retains_grad\b",
    "version_counter": r"\.version\b",
    "threads": r"\brun_in_thread\(",
    "modules": r"\b(linear|mlp|sequential)\(",
    "optimizers": r"\bsgd\(",
    "train_eval": r"\b(dropout|batch_norm)\(|\.(train|eval)\(|\.training\b",
    "from_numpy": r"\b(from_numpy|as_tensor)\(",
    "parameter_constructor": r"\bparameter\(",
    "strides": r"\.(stride|is_contiguous)\(",
}
SPECS = load_specs()


def _text(spec) -> str:
    return "\n".join([spec.steps.source, *(check.expression.source for check in spec.then)])


@pytest.mark.parametrize("spec", SPECS, ids=[spec.id for spec in SPECS])
def test_a_spec_requires_every_capability_its_steps_use(spec) -> None:
    text = _text(spec)
    missing = sorted(capability for capability, pattern in USES.items()
                     if re.search(pattern, text) and capability not in spec.requires)
    assert missing == [], f"{spec.path}: add {', '.join(missing)} to requires"
