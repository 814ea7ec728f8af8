"""NumPy references of the linear-algebra family (specs/_operators/linalg.yaml): matrix
products and decompositions, called with PyTorch's argument names."""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np

Array = np.ndarray


def addmm(input: Array, mat1: Array, mat2: Array, beta: float = 1.0, alpha: float = 1.0) -> Array:
    return beta * input + alpha * (mat1 @ mat2)


def linalg_solve(A: Array, B: Array) -> Array:
    return np.linalg.solve(A, B)


def linalg_solve_ex(A: Array, B: Array) -> tuple[Array, Array]:
    return np.linalg.solve(A, B), np.zeros(A.shape[:-2], dtype=np.int64)


def linalg_inv(A: Array) -> Array:
    return np.linalg.inv(A)


def linalg_inv_ex(A: Array) -> tuple[Array, Array]:
    return np.linalg.inv(A), np.zeros(A.shape[:-2], dtype=np.int64)


def linalg_det(A: Array) -> Array:
    return np.linalg.det(A)


def linalg_slogdet(A: Array) -> tuple[Array, Array]:
    sign, logabsdet = np.linalg.slogdet(A)
    return sign, logabsdet


def logdet(input: Array) -> Array:
    sign, logabsdet = np.linalg.slogdet(input)
    return np.where(sign > 0, logabsdet, np.nan)


def linalg_cholesky(A: Array) -> Array:
    return np.linalg.cholesky(A)


def linalg_cholesky_ex(A: Array) -> tuple[Array, Array]:
    return np.linalg.cholesky(A), np.zeros(A.shape[:-2], dtype=np.int64)


def cholesky(input: Array) -> Array:
    return np.linalg.cholesky(input)


def linalg_eigh(A: Array) -> tuple[Array, Array]:
    eigenvalues, eigenvectors = np.linalg.eigh(A)
    return eigenvalues, eigenvectors


def linalg_eigvalsh(A: Array) -> Array:
    return np.linalg.eigvalsh(A)


def linalg_svd(A: Array, full_matrices: bool = True) -> tuple[Array, Array, Array]:
    u, s, vh = np.linalg.svd(A, full_matrices=full_matrices)
    return u, s, vh


def linalg_svdvals(A: Array) -> Array:
    return np.linalg.svd(A, compute_uv=False)


def svd(input: Array, some: bool = True) -> tuple[Array, Array, Array]:
    u, s, vh = np.linalg.svd(input, full_matrices=not some)
    return u, s, np.swapaxes(vh, -1, -2)


def linalg_qr(A: Array, mode: str = "reduced") -> tuple[Array, Array]:
    q, r = np.linalg.qr(A, mode=cast(Literal["reduced", "complete", "r", "raw"], mode))
    return q, r


def qr(input: Array, some: bool = True) -> tuple[Array, Array]:
    q, r = np.linalg.qr(input, mode="reduced" if some else "complete")
    return q, r


def addmv(input: Array, mat: Array, vec: Array, beta: float = 1.0, alpha: float = 1.0) -> Array:
    return beta * input + alpha * (mat @ vec)


def addr(input: Array, vec1: Array, vec2: Array, beta: float = 1.0, alpha: float = 1.0) -> Array:
    return beta * input + alpha * np.outer(vec1, vec2)


def addbmm(input: Array, batch1: Array, batch2: Array, beta: float = 1.0, alpha: float = 1.0) -> Array:
    return beta * input + alpha * np.sum(batch1 @ batch2, axis=0)


def baddbmm(input: Array, batch1: Array, batch2: Array, beta: float = 1.0, alpha: float = 1.0) -> Array:
    return beta * input + alpha * (batch1 @ batch2)


def tensordot(a: Array, b: Array, dims: Any = 2) -> Array:
    return np.tensordot(a, b, axes=dims)


def linalg_vecdot(x: Array, y: Array, dim: int = -1) -> Array:
    return np.sum(x * y, axis=dim)


def cross_dim(input: Array, other: Array, dim: int = -1) -> Array:
    return np.cross(input, other, axis=dim)


def linalg_matrix_power(A: Array, n: int) -> Array:
    return np.linalg.matrix_power(A, n)


def matrix_exp(A: Array) -> Array:
    """exp(A) by scaling and squaring a Taylor series (float64: small matrices, entries in [-1, 1])."""
    norm = float(np.max(np.sum(np.abs(A), axis=-1))) if A.size else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    scaled = A / 2.0**squarings
    term = np.broadcast_to(np.eye(A.shape[-1]), A.shape).copy()
    total = term.copy()
    for k in range(1, 30):
        term = term @ scaled / k
        total = total + term
    for _ in range(squarings):
        total = total @ total
    return total


def linalg_vander(x: Array, N: int | None = None) -> Array:
    n = x.shape[-1] if N is None else N
    return x[..., :, None] ** np.arange(n)


def linalg_householder_product(A: Array, tau: Array) -> Array:
    m, n = A.shape[-2:]
    product = np.eye(m)
    for i in range(tau.shape[-1]):
        v = np.zeros(m)
        v[i] = 1.0
        v[i + 1 :] = A[i + 1 :, i]
        product = product @ (np.eye(m) - tau[i] * np.outer(v, v))
    return product[:, :n]


def _lu_nopivot(A: Array) -> tuple[Array, Array]:
    """L (unit lower) and U of a matrix partial pivoting leaves in place (diagonally dominant)."""
    n = A.shape[-1]
    u = A.astype(np.float64).copy()
    lower = np.eye(n)
    for k in range(n):
        for i in range(k + 1, n):
            lower[i, k] = u[i, k] / u[k, k]
            u[i, k:] -= lower[i, k] * u[k, k:]
    return lower, np.triu(u)


def linalg_lu_factor(A: Array) -> tuple[Array, Array]:
    lower, upper = _lu_nopivot(A)
    return np.tril(lower, -1) + upper, np.arange(1, A.shape[-1] + 1)


def linalg_lu_factor_ex(A: Array) -> tuple[Array, Array, Array]:
    packed, pivots = linalg_lu_factor(A)
    return packed, pivots, np.zeros((), dtype=np.int64)


def linalg_lu(A: Array) -> tuple[Array, Array, Array]:
    lower, upper = _lu_nopivot(A)
    return np.eye(A.shape[-1]), lower, upper


def linalg_solve_triangular(A: Array, B: Array, upper: bool, left: bool = True, unitriangular: bool = False) -> Array:
    triangle = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        triangle = triangle - np.diag(np.diagonal(triangle)) + np.eye(A.shape[-1])
    return np.linalg.solve(triangle, B) if left else np.linalg.solve(triangle.T, B.T).T


def triangular_solve(
    b: Array, A: Array, upper: bool = True, transpose: bool = False, unitriangular: bool = False
) -> tuple[Array, Array]:
    triangle = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        triangle = triangle - np.diag(np.diagonal(triangle)) + np.eye(A.shape[-1])
    return np.linalg.solve(triangle.T if transpose else triangle, b), A


def cholesky_solve(B: Array, L: Array, upper: bool = False) -> Array:
    factor = np.triu(L) if upper else np.tril(L)
    matrix = factor.T @ factor if upper else factor @ factor.T
    return np.linalg.solve(matrix, B)


def cholesky_inverse(L: Array, upper: bool = False) -> Array:
    factor = np.triu(L) if upper else np.tril(L)
    return np.linalg.inv(factor.T @ factor if upper else factor @ factor.T)


def linalg_pinv(A: Array) -> Array:
    return np.linalg.pinv(A)


def linalg_matrix_norm(A: Array, ord: Any = "fro") -> Array:
    return np.linalg.norm(A, ord=ord, axis=(-2, -1))


def linalg_norm(A: Array) -> Array:
    return np.asarray(np.linalg.norm(A.reshape(-1)))


def linalg_cond(A: Array, p: Any = None) -> Array:
    return np.linalg.cond(A, p)


def linalg_lstsq(A: Array, B: Array) -> tuple[Array, Array, Array, Array]:
    solution = np.linalg.pinv(A) @ B
    return solution, np.zeros(0), np.zeros(0), np.zeros(0)


def linalg_tensorinv(A: Array, ind: int = 2) -> Array:
    return np.linalg.tensorinv(A, ind=ind)


def linalg_tensorsolve(A: Array, B: Array) -> Array:
    return np.linalg.tensorsolve(A, B)


def linalg_multi_dot(tensors: list[Array]) -> Array:
    return np.linalg.multi_dot(tensors)
