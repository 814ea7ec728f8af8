"""MLX behaviour behind each spec the MLX adapter's run fails (MLX called directly, no gradspec).

Run: python baselines/probes/mlx_probe.py (with mlx installed)
"""

import mlx.core as mx
import numpy as np

print("mlx", mx.__version__, "default device", mx.default_device())


def attempt(label, function):
    try:
        print(f"  {label}: {function()!r}")
    except Exception as error:  # noqa: BLE001 - the point is to show what MLX raises
        print(f"  {label}: raises {type(error).__name__}: {error}")


print("\n[grad.autograd_grad.allow_unused_materialize_default_error] mx.vjp gives zeros for a primal the outputs do not use")
base, unused = mx.array([0.5, -1.0]), mx.array([2.0, 3.0, 4.0])
outputs, vjps = mx.vjp(lambda b, u: [mx.sum(mx.exp(b))], [base, unused], [mx.array(1.0)])
print("  vjp w.r.t. (used, unused):", vjps, "(no error; MLX's vjp has no allow_unused argument)")
attempt("mx.grad w.r.t. an unused argument", lambda: mx.grad(lambda b, u: mx.sum(mx.exp(b)), argnums=1)(base, unused))

print("\n[grad.autograd_grad.correctness_unary_ops] MLX's float64 exp/sin/cos (and sigmoid, through exp) are float32-accurate on the CPU")
xs = np.array([1.0, 2.0, 3.0])
x64 = mx.array(xs, dtype=mx.float64)
for name, reference, derivative in (
    ("exp", np.exp, np.exp),
    ("sin", np.sin, np.cos),
    ("cos", np.cos, lambda v: -np.sin(v)),
    ("sigmoid", lambda v: 1 / (1 + np.exp(-v)), lambda v: np.exp(-v) / (1 + np.exp(-v)) ** 2),
):
    function = getattr(mx, name)
    _, (grad,) = mx.vjp(lambda v: [function(v)], [x64], [mx.ones_like(x64)])
    value_error = np.max(np.abs(np.array(function(x64)) - reference(xs)) / np.abs(reference(xs)))
    grad_error = np.max(np.abs(np.array(grad) - derivative(xs)) / np.abs(derivative(xs)))
    print(f"  {name}: dtype {function(x64).dtype}, max relative error of value {value_error:.1e}, of vjp {grad_error:.1e}")
print("  tanh and square for comparison:", np.max(np.abs(np.array(mx.tanh(x64)) - np.tanh(xs))), np.max(np.abs(np.array(mx.square(x64)) - xs**2)))

print("\n[item.python_type_per_dtype.complex] MLX has no complex128: a complex128 array becomes complex64")
print("  hasattr(mx, 'complex128'):", hasattr(mx, "complex128"))
c128 = np.array(0.1 + 0.2j, dtype=np.complex128)
t = mx.array(c128)
print("  mx.array(complex128 array).dtype:", t.dtype, "item():", repr(t.item()), "NumPy's:", repr(c128.item()))

print("\n[numpy.conj_neg_bit_error.conj / .neg] mx.conj and mx.imag compute new arrays: no lazy bit, conversion succeeds")
z = mx.array(np.array([1 + 2j, -3 - 4j], dtype=np.complex64))
conjugate = mx.conj(z)
print("  np.array(mx.conj(z), copy=False):", np.array(conjugate, copy=False))
print("  np.array(mx.imag(mx.conj(z)), copy=False):", np.array(mx.imag(conjugate), copy=False))
print("  mlx.core has resolve_conj/resolve_neg:", hasattr(mx, "resolve_conj"), hasattr(mx, "resolve_neg"))

print("\n[numpy.from_numpy_accepted_dtypes_and_strides.dtypes] mx.asarray(a, copy=False) (share or raise) refuses every CPU array")
for dtype in (np.bool_, np.uint8, np.int64, np.float16, np.float32, np.float64, np.complex64):
    attempt(f"mx.asarray(np.zeros(3, {np.dtype(dtype).name}), copy=False)", lambda: mx.asarray(np.zeros(3, dtype=dtype), copy=False))
a = np.zeros(3, dtype=np.float32)
shared = mx.asarray(a)  # copy=None: "share memory when possible and copy otherwise"
a[0] = 5.0
print("  mx.asarray(a) (copy=None), then a[0] = 5: the MLX array holds", shared.tolist(), "(it copied)")

print("\n[numpy.from_numpy_accepted_dtypes_and_strides.negative_strides] the same refusal, which names no strides")
reversed_array = np.arange(3.0, dtype=np.float32)[::-1]
attempt("mx.asarray(a[::-1], copy=False)", lambda: mx.asarray(reversed_array, copy=False))
attempt("mx.asarray(a[::-1]) (copy=None, for comparison)", lambda: mx.asarray(reversed_array))
attempt("mx.array(a[::-1]) (for comparison)", lambda: mx.array(reversed_array))
