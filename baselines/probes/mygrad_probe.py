"""MyGrad, called directly (no gradspec): the behaviour behind the entries of baselines/mygrad.yaml."""
import numpy as np
import mygrad as mg

print("== no_autodiff() called as a function:")
try:
    with mg.no_autodiff():
        pass
except TypeError as e:
    print("  TypeError:", e)
with mg.no_autodiff:
    print("  bare `with mg.no_autodiff:` works; graph tracking:", mg.no_autodiff.state if hasattr(mg.no_autodiff, "state") else "?")

print("== in-place change of a saved input, then backward():")
x = mg.tensor([1.0, 2.0])
y = x * 1.0
z = mg.exp(y)
y[...] = 0.0  # in place, under graph tracking
mg.sum(z).backward()
print("  backward raised nothing; x.grad =", x.grad)

print("== backward() of a non-scalar without a gradient:")
a = mg.tensor([1.0, 2.0, 3.0])
b = a * 2
b.backward()
print("  raised nothing; a.grad =", a.grad)

print("== a second backward() through the same graph:")
a = mg.tensor([1.0, 2.0])
b = mg.sum(a * a)
b.backward()
first = a.grad.copy()
b.backward()
print("  raised nothing; grads", first, a.grad)

print("== astype of a tensor requiring grad:")
a = mg.tensor([1.0, 2.0], dtype=np.float32)
c = a.astype(np.float64)
print("  creator:", c.creator, "constant:", c.constant)

print("== a result of constant inputs:")
k = mg.tensor([1.0], constant=True)
r = k * 2
print("  constant:", r.constant, "creator:", r.creator)

print("== requires_grad propagation (not constant iff an input is not constant):")
c, v = mg.tensor([1.0], constant=True), mg.tensor([1.0])
print("  const*const constant:", (c * c).constant, " const*var constant:", (c * v).constant)

print("== an in-place change through a view of a non-leaf, then backward():")
a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
y = a * 2
view = y[1:]
view[...] = mg.exp(view)          # y's second row becomes exp(2 * a[1])
mg.sum(y).backward()
print("  a.grad =", a.grad.tolist(), " expected [[2, 2], 2*exp(2*a[1])] =", [[2, 2], (2 * np.exp(2 * np.array([3.0, 4.0]))).tolist()])
