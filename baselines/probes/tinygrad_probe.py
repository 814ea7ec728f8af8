"""tinygrad 0.14.0, called directly (no gradspec): the behaviour behind each spec the gradspec
tinygrad adapter fails on (CPU device, CI profile).  Run: python baselines/probes/tinygrad_probe.py"""

import sys

import numpy as np
from tinygrad import Tensor, dtypes


def attempt(function):
    """What a call returns, or the exception it raises."""
    try:
        result = function()
    except Exception as error:  # noqa: BLE001
        return f"raises {type(error).__name__}: {str(error)[:90]!r}"
    return "returns normally" if isinstance(result, Tensor) else f"returns {result!r}"


def block(spec, *lines):
    print(f"== {spec}")
    for line in lines:
        print("   " + line)


def grad_of(t):
    return None if t.grad is None else t.grad.numpy()


f32 = np.float32

# A 0-d tensor made from a NumPy scalar array is a device-less constant, whatever device= says,
# and backward() fills .grad only for tensors with a device.
scalar = Tensor(np.array(0.5, f32), device="cpu")
vector = Tensor(np.array([0.5], f32), device="cpu")
(scalar * 3).backward()
(vector * 3).sum().backward()
zero_d = f"0-d Tensor(np.array(0.5), device='cpu'): device {scalar.device!r}, grad after backward {grad_of(scalar)}"
one_d = f"1-d Tensor(np.array([0.5]), device='cpu'): device {vector.device!r}, grad after backward {grad_of(vector)}"

block(
    "grad.correctness.unary_ops, grad.correctness.binary_ops, grad.correctness.reductions",
    zero_d,
    one_d,
    "(with 1-d and larger inputs the three specs pass: checked with copies drawing min_dims=1)",
)

block("grad.accumulate.default_none_then_sum", zero_d)

x = Tensor(np.array([0.0], f32), device="cpu")
x.grad = Tensor(np.array([0.0], np.float64), device="cpu")
block("grad.assign.validation_dtype", f"float32 x.grad = float64 tensor: accepted, x.grad.dtype = {x.grad.dtype}")
x = Tensor(np.array([0.0], f32), device="cpu")
x.grad = Tensor(np.zeros((1, 1), f32), device="cpu")
block("grad.assign.validation_shape", f"shape (1,) x.grad = (1, 1) tensor: accepted, x.grad.shape = {x.grad.shape}")

x = Tensor(np.array([0.5], f32), device="cpu")
y = x.neg()
result = attempt(lambda: y.backward(Tensor(np.ones((2,), f32), device="cpu")))
block(
    "grad.backward.nonscalar_needs_gradient_shape_mismatch",
    f"neg(x), x of shape (1,), backward(gradient of shape (2,)) {result}",
    f"... but x.grad was already filled: {grad_of(x)} (spec: x.grad stays None)",
)

a = Tensor(np.array([0.0], f32), device="cpu")
b = a + 2
loss = (b * b).mean()
b.detach().assign(0)
result = attempt(loss.backward)
block(
    "aliasing.detach.inplace_is_detected",
    f"b.detach().assign(0) then loss.backward() {result}: no version counter, no in-place check",
    f"a.grad = {grad_of(a)} (the true gradient 2 * b = 4: the unrealized b was not changed through its detach())",
)

a = Tensor(np.array([0.0]), device="cpu")
b = a * 2
y = b.exp()
b.detach().assign(b.detach().neg())
y.detach().assign(y.detach().neg())
block(
    "aliasing.detach.inplace_triggers_correctness_check_saved_by_op",
    f"y = exp(a * 2); neg applied in place to detach() of b and y; y.sum().backward() {attempt(lambda: y.sum().backward())}",
)

v = Tensor(np.array([False]), device="cpu")
s = Tensor(np.array(False), device="cpu")
block(
    "device.construction_and_equality",
    f"Tensor(..., device='cpu').device: 1-d {v.device!r}, 0-d {s.device!r} (spec: 'cpu')",
    f"Tensor.to(v.device) {attempt(lambda: v.to(v.device).device)}",
)

moved = Tensor(np.array([False]), device="cpu").to("cuda")
block(
    "device.cuda.unavailable_raises",
    f"Tensor.to('cuda') on a machine without CUDA raises nothing; device {moved.device!r} (spec: 'cuda:0' or an error)",
    f"realizing it {attempt(moved.numpy)}",
)

block(
    "item.python_type_per_dtype.float16",
    f"Python {sys.version.split()[0]}: Tensor(np.array(0.0, float16)).item() {attempt(lambda: Tensor(np.array(0.0, np.float16)).item())}",
    f"(tolist() casts half to float32 first: {attempt(lambda: Tensor(np.array([0.0], np.float16)).tolist())})",
)

x = Tensor(np.array([0.0], f32), device="cpu")
n = x.numpy()
x.assign(Tensor(np.array([1.0], f32), device="cpu"))
first = n.copy()
n[()] = 2.0
block(
    "numpy.tensor_numpy_shares_memory.both_ways",
    f"n = x.numpy(); x.assign(1.0): n = {first} (not shared); n[()] = 2.0: x = {x.numpy()}",
)

array = np.array([0], np.uint8)
t = Tensor(array, device="cpu")
array[()] = 1
block(
    "numpy.torch_tensor_copies_as_tensor_shares.tensor_copies",
    f"t = Tensor(array [0]); array[()] = 1 before t is read: t = {t.numpy()} (the lazy tensor reads the array when realized)",
)

a = Tensor(np.array([0.0]), device="cpu")
y = (a * 2).neg()
loss = (y * y).sum()
y.detach().assign(y.detach().neg())
block(
    "aliasing.detach.inplace_triggers_correctness_check",
    f"y = neg(a * 2); loss = sum(y * y); neg in place through y.detach(); loss.backward() {attempt(loss.backward)}",
)

a = Tensor(np.zeros((2, 2)), device="cpu")
y = a * 2
v = y[1:]
v.assign(v.neg() + 1)
(y * Tensor(np.ones((2, 2)), device="cpu")).sum().backward()
block(
    "aliasing.inplace.view_of_nonleaf_allowed",
    f"y = a * 2 (zeros); v = y[1:]; v.assign(neg(v) + 1): v = {v.numpy().tolist()}, y = {y.numpy().tolist()} (not written through)",
    f"sum(y * 1).backward(): a.grad = {grad_of(a).tolist()} (the gradient of the unmodified y)",
)

x = Tensor(np.array([1.0, 1.0, 1.0], f32), device="cpu")
y = x.exp()
y += 1
y += 1
block(
    "aliasing.inplace_correctness.error_message",
    f"y = exp(x); y += 1 twice; sum(y).backward() {attempt(lambda: y.sum().backward())}; x.grad = {grad_of(x)}",
)

leaf = Tensor(np.array([1.0], f32), device="cpu")
product = leaf * leaf
leaf.detach().assign(leaf.detach() * 100)
block(
    "aliasing.inplace_correctness.error_message_saved_leaf",
    f"product of shape {product.shape}: product.backward() {attempt(product.backward)} (tinygrad needs shape () without a gradient)",
)

a = Tensor(np.array([0.0]), device="cpu")
y = a * 2
y.assign(y.neg())
y.assign(y.exp())
y = y.exp()
y.sum().backward()
block(
    "aliasing.inplace_correctness.no_error_implies_correct_grad",
    f"y = a * 2 (a = [0.0]); neg in place; exp in place; y = exp(y); sum(y).backward() raises nothing; a.grad = {grad_of(a)}",
    f"the out-of-place program's gradient is -2e = {-2 * np.e:.4f}: a wrong gradient without an error (found in 313 s",
    "with --spec-timeout=2400: 14 examples and 186 shrink runs, each a fresh graph that tinygrad schedules and compiles)",
)

x = Tensor(np.array(0.5, f32), device="cpu")
y = x.cast(dtypes.float64)
(y * 2).sum().backward()
block("device.to.conversion_is_differentiable.dtype", f"0-d x: x.cast(float64) then backward(): x.grad = {grad_of(x)}", one_d)

block(
    "device.to.round_trip_keeps_values_and_grad",
    f"Tensor(np.array([0.0]), device='cpu').to('cpu').device = {Tensor(np.array([0.0]), device='cpu').to('cpu').device!r}",
    f"0-d: {Tensor(np.array(0.0), device='cpu').to('cpu').device!r}",
)

base = Tensor(np.array([0.5], f32), device="cpu")
unused = Tensor(np.array([0.5], f32), device="cpu")
block(
    "grad.autograd_grad.allow_unused_materialize_default_error",
    f"sum(neg(base)).gradient(base, unused) {attempt(lambda: [g.numpy() for g in base.neg().sum().gradient(base, unused)])}",
)

a = Tensor(np.array(1.0, f32), device="cpu")
b = Tensor(np.array(1.0, f32), device="cpu")
block(
    "grad.autograd_grad.correctness_binary_ops",
    f"two 0-d tensors made from equal values are one UOp: a.uop is b.uop = {a.uop is b.uop}",
    f"(a + b).gradient(a, b) = {[g.numpy().item() for g in (a + b).gradient(a, b)]} (expected [1.0, 1.0])",
)

w = Tensor(np.array(0.0, f32), device="cpu")
x = Tensor(np.array(0.0, f32), device="cpu")
(w.neg() * x).sum().backward()
block(
    "grad.autograd_grad.returns_without_accumulating_and_create_graph",
    f"0-d w2, x2: sum(neg(w2) * x2).backward(): w2.grad = {grad_of(w)}, x2.grad = {grad_of(x)}",
    "(with 1-d and larger inputs the spec passes)",
)

a = Tensor(np.array([0.5], f32), device="cpu")
b = Tensor(np.array([2.0], f32), device="cpu")
y = (a.neg() * b).sum()
y.backward()
first = grad_of(a)
block(
    "grad.backward.twice_error_and_retain_graph",
    f"y = sum(neg(a) * b); y.backward(): a.grad = {first}; y.backward() again {attempt(y.backward)}: a.grad = {grad_of(a)}",
)

x = Tensor(np.array(0.5, f32), device="cpu")
value = x.mean().item()
(x * value).sum().backward()
block("item.not_differentiable_no_error", f"0-d x: x.grad after sum(x * x.mean().item()).backward() = {grad_of(x)}", one_d)

opt_p = Tensor(np.array([1.0], f32), device="cpu")
block(
    "(no spec runs it: modules are lacked) nn.optim.SGD.step() outside Context(TRAINING=1)",
    attempt(lambda: (opt_p.sum().backward(), __import__("tinygrad").nn.optim.SGD([opt_p], lr=0.1).step())),
)
