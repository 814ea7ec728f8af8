"""JAX with its default settings, called directly (no gradspec): the behaviour behind baselines/jax.yaml."""
import warnings
import numpy as np
import jax, jax.numpy as jnp

print("jax_enable_x64 (default):", jax.config.jax_enable_x64)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for value in (np.float64(1.5705013526790168), np.int64(2**62), np.complex128(1 + 1j)):
        a = jnp.array(value)
        print(f"  jnp.array({value.dtype}) -> {a.dtype}, item() = {a.item()!r}")
    print("  tiny float64 1.86e-223 ->", jnp.array(np.float64(1.8591135579969752e-223)).tolist())
    print("  warning:", caught[0].message if caught else None)
print("abs'(0) by jax.grad:", jax.grad(jnp.abs)(0.0))
print("device name:", str(jax.devices("cpu")[0]))
_, pullback = jax.vjp(lambda x, y: x * 2.0, jnp.array(1.0), jnp.array(2.0))
print("gradient for an unused input:", pullback(jnp.array(1.0)))
