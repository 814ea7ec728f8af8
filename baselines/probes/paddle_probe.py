"""PaddlePaddle, called directly (no gradspec): the behaviour behind the entries of baselines/paddle.yaml."""
import paddle

print("== in-place arithmetic with a Python number:")
y = paddle.to_tensor([1.0, 2.0])
try:
    y.add_(1)
except Exception as e:
    print(" ", type(e).__name__, e)

print("== bare @paddle.enable_grad / @paddle.no_grad decorators:")
for name in ("enable_grad", "no_grad"):
    try:
        getattr(paddle, name)(lambda: None)
    except TypeError as e:
        print(f"  {name}:", e)

print("== .data's version counter is the tensor's:")
t = paddle.to_tensor([1.0, 2.0])
d = t.data if hasattr(t, "data") else t.detach()
before = t.inplace_version
d.scale_(2.0)
print("  t.inplace_version", before, "->", t.inplace_version)

print("== paddle.grad of a non-scalar output without grad_outputs:")
x = paddle.to_tensor([1.0, 2.0], stop_gradient=False)
print("  ", paddle.grad(x * 3, [x]))

print("== backward() of a result computed under no_grad:")
x = paddle.to_tensor([1.0, 2.0], stop_gradient=False)
with paddle.no_grad():
    r = (x * 2).sum()
try:
    r.backward()
    print("  raised nothing; x.grad =", x.grad)
except Exception as e:
    print(" ", type(e).__name__, e)

print("== zero_() on a parameter's .grad:")
p = paddle.to_tensor([1.0, 2.0], stop_gradient=False)
(p * p).sum().backward()
try:
    p.grad.zero_()
    print("  zeroed", p.grad)
except Exception as e:
    print(" ", type(e).__name__, str(e)[:160])

print("== numpy() and from_numpy() (paddle.to_tensor of an array) copy:")
import numpy as np
t = paddle.to_tensor([1.0, 2.0])
n = t.numpy()
n[0] = 100.0
print("  after n[0] = 100: t =", t.numpy().tolist())
a = np.array([1.0, 2.0], dtype=np.float32)
u = paddle.to_tensor(a)
a[0] = 100.0
print("  after a[0] = 100: u =", u.numpy().tolist())
