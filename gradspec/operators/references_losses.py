"""NumPy references of the loss family (``specs/_operators/losses.yaml``): torch.nn.functional's
losses, each written from its documentation page's formula, in float64."""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray


def _reduce(loss: Array, reduction: str) -> Array:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.sum(loss)
    return np.mean(loss)


def _log_softmax(x: Array, axis: int) -> Array:
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _class_axis(input: Array) -> int:
    return 1 if input.ndim > 1 else 0


def _broadcast_weight(weight: Array, input: Array, axis: int) -> Array:
    shape = [1] * input.ndim
    shape[axis] = -1
    return np.reshape(weight, shape)


def _picked(values: Array, target: Array, axis: int) -> Array:
    """``values[n, target[n, d...], d...]``: the class entry each target names."""
    return np.squeeze(np.take_along_axis(values, np.expand_dims(target, axis), axis=axis), axis=axis)


def nll_loss(input: Array, target: Array, weight: Array | None = None, reduction: str = "mean") -> Array:
    """l_n = -w_{y_n} x_{n, y_n}; 'mean' divides by sum_n w_{y_n}."""
    axis = _class_axis(input)
    target = np.asarray(target, dtype=np.int64)
    w = np.ones(input.shape[axis]) if weight is None else np.asarray(weight, dtype=np.float64)
    wt = w[target]
    loss = -wt * _picked(input, target, axis)
    if reduction == "mean":
        return np.sum(loss) / np.sum(wt)
    return _reduce(loss, reduction)


def cross_entropy(
    input: Array, target: Array, weight: Array | None = None, reduction: str = "mean", label_smoothing: float = 0.0
) -> Array:
    """cross_entropy with class indices or class probabilities (a floating target of the input's shape)."""
    axis = _class_axis(input)
    classes = input.shape[axis]
    logp = _log_softmax(input, axis)
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=np.float64)
    if np.asarray(target).dtype.kind == "f":
        probabilities = np.asarray(target, dtype=np.float64) * (1.0 - label_smoothing) + label_smoothing / classes
        loss = -np.sum(logp * probabilities * _broadcast_weight(w, input, axis), axis=axis)
        if reduction == "mean":
            return np.sum(loss) / (input.size / classes)
        return _reduce(loss, reduction)
    target = np.asarray(target, dtype=np.int64)
    nll = nll_loss(logp, target, weight, reduction)
    if not label_smoothing:
        return nll
    smooth = -np.sum(logp * _broadcast_weight(w, input, axis), axis=axis)
    if reduction == "mean":
        smooth = np.sum(smooth) / np.sum(w[target])
    else:
        smooth = _reduce(smooth, reduction)
    return (1.0 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def mse_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    return _reduce((input - target) ** 2, reduction)


def l1_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    return _reduce(np.abs(input - target), reduction)


def smooth_l1_loss(input: Array, target: Array, reduction: str = "mean", beta: float = 1.0) -> Array:
    d = np.abs(input - target)
    return _reduce(np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta), reduction)


def huber_loss(input: Array, target: Array, reduction: str = "mean", delta: float = 1.0) -> Array:
    d = np.abs(input - target)
    return _reduce(np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta)), reduction)


def binary_cross_entropy(input: Array, target: Array, weight: Array | None = None, reduction: str = "mean") -> Array:
    """l_n = -w_n [y_n log x_n + (1 - y_n) log(1 - x_n)], each log clamped to >= -100."""
    loss = -(target * np.maximum(np.log(input), -100.0) + (1.0 - target) * np.maximum(np.log1p(-input), -100.0))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _log_sigmoid(x: Array) -> Array:
    return -np.logaddexp(0.0, -x)


def binary_cross_entropy_with_logits(
    input: Array, target: Array, weight: Array | None = None, reduction: str = "mean", pos_weight: Array | None = None
) -> Array:
    """l_n = -w_n [p y_n log s(x_n) + (1 - y_n) log(1 - s(x_n))]."""
    p = 1.0 if pos_weight is None else pos_weight
    loss = -(p * target * _log_sigmoid(input) + (1.0 - target) * _log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Array, target: Array, reduction: str = "mean", log_target: bool = False) -> Array:
    """L = y (log y - x), or exp(y) (y - x) with log_target; 'batchmean' divides the sum by the batch size."""
    if log_target:
        loss = np.exp(target) * (target - input)
    else:
        loss = np.where(target > 0, target * (np.log(np.where(target > 0, target, 1.0)) - input), 0.0)
    if reduction == "batchmean":
        return np.sum(loss) / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def poisson_nll_loss(
    input: Array, target: Array, log_input: bool = True, full: bool = False, eps: float = 1e-8, reduction: str = "mean"
) -> Array:
    """exp(x) - y x (log_input), else x - y log(x + eps); full adds Stirling's y log y - y + log(2 pi y)/2 where y > 1."""
    loss = np.exp(input) - target * input if log_input else input - target * np.log(input + eps)
    if full:
        safe = np.where(target > 1, target, 2.0)
        loss = loss + np.where(target > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe), 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(
    input: Array, target: Array, var: Array, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
) -> Array:
    """0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)), plus 0.5 log(2 pi) with full."""
    v = np.maximum(var, eps)
    loss = 0.5 * (np.log(v) + (input - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Array, input2: Array, target: Array, margin: float = 0.0, reduction: str = "mean") -> Array:
    return _reduce(np.maximum(0.0, -target * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(input: Array, target: Array, margin: float = 1.0, reduction: str = "mean") -> Array:
    """l_n = x_n if y_n = 1, max(0, margin - x_n) if y_n = -1."""
    loss = np.where(target != 1, np.maximum(margin - input, 0.0), 0.0) + np.where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    return _reduce(np.logaddexp(0.0, -target * input), reduction)


def multilabel_soft_margin_loss(input: Array, target: Array, weight: Array | None = None, reduction: str = "mean") -> Array:
    """-(1/C) sum_i w_i [y_i log s(x_i) + (1 - y_i) log s(-x_i)] per sample."""
    loss = -(target * _log_sigmoid(input) + (1.0 - target) * _log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = np.sum(loss, axis=-1) / input.shape[-1]
    return _reduce(loss, reduction)


def multi_margin_loss(
    input: Array, target: Array, p: int = 1, margin: float = 1.0, weight: Array | None = None, reduction: str = "mean"
) -> Array:
    """sum_{i != y} w_y max(0, margin - x[y] + x[i])^p / C per sample."""
    x = input.reshape(-1, input.shape[-1])
    y = np.asarray(target, dtype=np.int64).reshape(-1)
    classes = x.shape[1]
    losses = []
    for row, label in zip(x, y):
        z = np.maximum(margin - row[label] + row, 0.0) ** p
        if weight is not None:
            z = z * weight[label]
        z[label] = 0.0
        losses.append(np.sum(z) / classes)
    loss = np.asarray(losses).reshape(input.shape[:-1])
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    """sum_{j in targets, i not in targets} max(0, 1 - (x[j] - x[i])) / C per sample (targets end at the first -1)."""
    x = input.reshape(-1, input.shape[-1])
    ys = np.asarray(target, dtype=np.int64).reshape(-1, input.shape[-1])
    classes = x.shape[1]
    losses = []
    for row, labels in zip(x, ys):
        chosen: list[int] = []
        for label in labels:
            if label < 0:
                break
            chosen.append(int(label))
        others = [i for i in range(classes) if i not in chosen]
        losses.append(sum(max(0.0, 1.0 - (row[j] - row[i])) for j in chosen for i in others) / classes)
    loss = np.asarray(losses).reshape(input.shape[:-1])
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Array, input2: Array, target: Array, margin: float = 0.0, reduction: str = "mean") -> Array:
    """1 - cos(x1, x2) if y = 1, max(0, cos(x1, x2) - margin) if y = -1 (cosine along the last dim)."""
    eps = 1e-12
    cos = np.sum(input1 * input2, axis=-1) / np.sqrt((np.sum(input1**2, axis=-1) + eps) * (np.sum(input2**2, axis=-1) + eps))
    loss = np.where(target == 1, 1.0 - cos, np.where(target == -1, np.maximum(cos - margin, 0.0), 0.0))
    return _reduce(loss, reduction)


def _pairwise_distance(x: Array, y: Array, p: float = 2.0, eps: float = 1e-6) -> Array:
    return np.sum(np.abs(x - y + eps) ** p, axis=-1) ** (1.0 / p)


def triplet_margin_loss(
    anchor: Array,
    positive: Array,
    negative: Array,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> Array:
    """max(d(a, p) - d(a, n) + margin, 0), d the p-norm distance; swap uses min(d(a, n), d(p, n))."""
    d_ap = _pairwise_distance(anchor, positive, p, eps)
    d_an = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_an = np.minimum(d_an, _pairwise_distance(positive, negative, p, eps))
    return _reduce(np.maximum(d_ap - d_an + margin, 0.0), reduction)


def triplet_margin_with_distance_loss(
    anchor: Array, positive: Array, negative: Array, margin: float = 1.0, swap: bool = False, reduction: str = "mean", **_: Any
) -> Array:
    """triplet_margin_loss with the default distance, pairwise_distance (p = 2)."""
    return triplet_margin_loss(anchor, positive, negative, margin=margin, p=2.0, swap=swap, reduction=reduction)


def linear_cross_entropy(
    input: Array,
    linear_weight: Array,
    target: Array,
    linear_bias: Array | None = None,
    weight: Array | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Array:
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...): the docs' reference implementation."""
    logits = input @ linear_weight.T
    if linear_bias is not None:
        logits = logits + linear_bias
    return cross_entropy(logits, target, weight=weight, reduction=reduction, label_smoothing=label_smoothing)
