"""nn and random cases of tools/jax_diff_misc.py (``fn(L)``, ``L`` the functrans or JAX namespace).
Random cases compare values exactly (the harness' tolerance is 1e-9; the samplers are bit-exact
with JAX where noted in functrans.random)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])


def _k(L: Any, s: int = 0) -> Any:
    return L.random.PRNGKey(s)


def register(case: Callable, grad_case: Callable) -> None:
    # ------------------------------------------------------------ random
    for s in (0, 1, 42):
        case(
            f"random.double_sided_maxwell s={s}", lambda L, s=s: L.random.double_sided_maxwell(_k(L, s), 1.0, 2.0, (5,))
        )
        case(f"random.generalized_normal s={s}", lambda L, s=s: L.random.generalized_normal(_k(L, s), 1.5, (6,)))
        case(f"random.ball s={s}", lambda L, s=s: L.random.ball(_k(L, s), 3, 2, (4,)))
        case(f"random.ball p1 s={s}", lambda L, s=s: L.random.ball(_k(L, s), 2, 1.0, (3,)))
        case(f"random.orthogonal s={s}", lambda L, s=s: L.random.orthogonal(_k(L, s), 3))
        case(f"random.orthogonal nm s={s}", lambda L, s=s: L.random.orthogonal(_k(L, s), 2, (2,), m=4))
        case(f"random.orthogonal mn s={s}", lambda L, s=s: L.random.orthogonal(_k(L, s), 4, (), m=2))
        case(f"random.triangular s={s}", lambda L, s=s: L.random.triangular(_k(L, s), 0.0, 0.3, 1.0, (6,)))
        case(f"random.wald s={s}", lambda L, s=s: L.random.wald(_k(L, s), 1.5, (6,)))
        case(f"random.binomial small s={s}", lambda L, s=s: L.random.binomial(_k(L, s), 5.0, 0.3, (8,)))
        case(f"random.binomial large s={s}", lambda L, s=s: L.random.binomial(_k(L, s), 100.0, 0.4, (8,)))
        case(
            f"random.binomial mixed s={s}",
            lambda L, s=s: L.random.binomial(
                _k(L, s), np.array([3.0, 50.0, 1000.0, 0.0, 7.0, 20.0]), np.array([0.9, 0.5, 0.01, 0.5, 0.0, 1.0])
            ),
        )
        case(
            f"random.multinomial s={s}", lambda L, s=s: L.random.multinomial(_k(L, s), 20.0, np.array([0.2, 0.3, 0.5]))
        )
        case(
            f"random.multinomial batch s={s}",
            lambda L, s=s: L.random.multinomial(
                _k(L, s), np.array([5.0, 100.0]), np.array([0.1, 0.6, 0.3]), shape=(2, 3)
            ),
        )
    case("random.binomial f32", lambda L: L.random.binomial(_k(L), 30.0, np.float32(0.5), (4,), dtype=np.float32))
    case(
        "random.binomial invalid",
        lambda L: L.random.binomial(_k(L), np.array([-1.0, np.inf, np.nan, 4.0]), np.array([0.5, 0.5, 0.5, -0.1])),
    )
    case("random.binomial int dtype", lambda L: L.random.binomial(_k(L), 3, 0.5, dtype=np.int32))
    case("random.binomial shape bad", lambda L: L.random.binomial(_k(L), np.ones(3), 0.5, (2,)))
    case(
        "random.binomial vmap",
        lambda L: L.api.vmap(lambda k: L.random.binomial(k, 30.0, 0.5, (3,)))(L.random.split(_k(L), 3)),
    )
    case("random.binomial jit", lambda L: L.api.jit(lambda k, n: L.random.binomial(k, n, 0.25, (3,)))(_k(L), 40.0))
    case("random.wald array", lambda L: L.random.wald(_k(L), np.array([0.5, 1.0, 4.0])))
    case("random.wald int dtype", lambda L: L.random.wald(_k(L), 1.0, dtype=np.int32))
    case("random.triangular f32", lambda L: L.random.triangular(_k(L), 0.0, 0.5, 2.0, (3,), np.float32))
    case("random.triangular arr", lambda L: L.random.triangular(_k(L), np.zeros(3), np.array([0.1, 0.5, 0.9]), 1.0))
    case("random.double_sided_maxwell arr", lambda L: L.random.double_sided_maxwell(_k(L), np.zeros(2), np.ones(2)))
    case("random.double_sided_maxwell int", lambda L: L.random.double_sided_maxwell(_k(L), 0.0, 1.0, dtype=np.int32))
    case("random.orthogonal f32", lambda L: L.random.orthogonal(_k(L), 3, dtype=np.float32))
    case("random.clone", lambda L: L.random.clone(_k(L, 5)))
    case("random.key_impl", lambda L: str(L.random.key_impl(_k(L))))
    case("random.key_dtype bad", lambda L: L.random.key_dtype("nope"))
    case("grad:random.wald", lambda L: L.api.grad(lambda m: L.np.sum(L.random.wald(_k(L), m, (4,))))(1.5))
    case(
        "grad:random.triangular",
        lambda L: L.api.grad(lambda m: L.np.sum(L.random.triangular(_k(L), 0.0, m, 1.0, (4,))))(0.4),
    )
    case(
        "grad:random.double_sided_maxwell",
        lambda L: L.api.grad(lambda s: L.np.sum(L.random.double_sided_maxwell(_k(L), 0.0, s, (4,))))(2.0),
    )
    case(
        "grad:random.generalized_normal",
        lambda L: L.api.grad(lambda p: L.np.sum(L.random.generalized_normal(_k(L), p, (4,))))(1.5),
    )
    # ------------------------------------------------------------ nn
    for x in (V + 3.5, np.array([1e-10, 1e-3, 0.5, np.log(2.0), 1.0, 30.0, 800.0]), np.float64(0.0), V):
        case(f"nn.log1mexp {np.shape(x)}", lambda L, x=x: L.nn.log1mexp(x))
    case("grad:nn.log1mexp", lambda L: L.api.grad(lambda x: L.np.sum(L.nn.log1mexp(x)))(V + 3.5))
    case("grad2:nn.log1mexp", lambda L: L.api.grad(L.api.grad(L.nn.log1mexp))(0.3))
    rng = np.random.default_rng(0)
    q = rng.normal(size=(2, 4, 4, 3))
    k = rng.normal(size=(2, 5, 2, 3))
    v = rng.normal(size=(2, 5, 2, 3))
    bias = rng.normal(size=(2, 1, 4, 5))
    mask = rng.uniform(size=(2, 4, 4, 5)) > 0.3
    ql, kl = np.array([3, 4], np.int32), np.array([5, 2], np.int32)
    att = [
        ("plain", (q, k, v), {}),
        ("3d", (q[0], k[0], v[0]), {}),
        ("bias", (q, k, v, bias), {}),
        ("mask", (q, k, v, None, mask), {}),
        ("causal", (q, k, v), {"is_causal": True}),
        ("scale", (q, k, v), {"scale": 0.3}),
        ("seqlens", (q, k, v), {"query_seq_lengths": ql, "key_value_seq_lengths": kl}),
        ("qlen", (q, k, v), {"query_seq_lengths": ql}),
        ("window", (q, k, v), {"local_window_size": 1}),
        ("window2", (q, k, v), {"local_window_size": (2, 0), "is_causal": True}),
        ("all", (q, k, v, bias, mask), {"is_causal": True, "key_value_seq_lengths": kl}),
        ("residual", (q, k, v), {"return_residual": True, "is_causal": True}),
        ("xla", (q, k, v), {"implementation": "xla"}),
        ("bad impl", (q, k, v), {"implementation": "foo"}),
        ("heads", (q[:, :, :3], k, v), {}),
        ("dtype", (q, k.astype(np.float32), v), {}),
        ("mask dtype", (q, k, v, None, mask.astype(np.int32)), {}),
        ("seqlen dtype", (q, k, v), {"query_seq_lengths": ql.astype(np.int64)}),
        ("f32", (q.astype(np.float32), k.astype(np.float32), v.astype(np.float32)), {}),
        ("mqa", (q, k[:, :, :1], v[:, :, :1]), {}),
        ("bias heads", (q, k, v, rng.normal(size=(1, 4, 4, 5))), {}),
    ]
    for label, args, kw in att:
        case(f"nn.dot_product_attention {label}", lambda L, args=args, kw=kw: L.nn.dot_product_attention(*args, **kw))
    case(
        "dtypes nn.dot_product_attention",
        lambda L: [str(L.nn.dot_product_attention(*a, **kw).dtype) for _, a, kw in att[:6]],
    )
    case(
        "grad:nn.dot_product_attention",
        lambda L: L.api.grad(lambda q: L.np.sum(L.nn.dot_product_attention(q, k, v, bias, is_causal=True) ** 2))(q),
    )
    case(
        "grad:nn.dot_product_attention kv",
        lambda L: L.api.grad(lambda kv: L.np.sum(L.nn.dot_product_attention(q, kv[0], kv[1], mask=mask) ** 2))((k, v)),
    )
    # ------------------------------------------------------------ nn.initializers
    inits = [
        ("zeros", lambda m: m.zeros),
        ("ones", lambda m: m.ones),
        ("constant", lambda m: m.constant(2.5)),
        ("uniform", lambda m: m.uniform()),
        ("uniform s", lambda m: m.uniform(3.0)),
        ("normal", lambda m: m.normal()),
        ("normal s", lambda m: m.normal(0.5)),
        ("truncated_normal", lambda m: m.truncated_normal()),
        ("truncated_normal b", lambda m: m.truncated_normal(1.0, lower=-1.0, upper=0.5)),
        ("glorot_uniform", lambda m: m.glorot_uniform()),
        ("glorot_normal", lambda m: m.glorot_normal()),
        ("he_uniform", lambda m: m.he_uniform()),
        ("he_normal", lambda m: m.he_normal()),
        ("lecun_uniform", lambda m: m.lecun_uniform()),
        ("lecun_normal", lambda m: m.lecun_normal()),
        ("xavier_uniform", lambda m: m.xavier_uniform()),
        ("kaiming_normal", lambda m: m.kaiming_normal()),
        ("variance_scaling normal fan_out", lambda m: m.variance_scaling(2.0, "fan_out", "normal")),
        ("variance_scaling geo", lambda m: m.variance_scaling(1.0, "fan_geo_avg", "uniform")),
        (
            "variance_scaling axes",
            lambda m: m.variance_scaling(1.0, "fan_in", "truncated_normal", in_axis=(0, 1), out_axis=-1, batch_axis=()),
        ),
        ("variance_scaling batch", lambda m: m.variance_scaling(1.0, "fan_avg", "normal", batch_axis=0)),
        ("variance_scaling bad mode", lambda m: m.variance_scaling(1.0, "fan", "normal")),
        ("variance_scaling bad dist", lambda m: m.variance_scaling(1.0, "fan_in", "cauchy")),
        ("orthogonal", lambda m: m.orthogonal()),
        ("orthogonal s", lambda m: m.orthogonal(2.0, column_axis=0)),
        ("delta_orthogonal", lambda m: m.delta_orthogonal()),
    ]
    for label, mk in inits:
        for shape in ((3, 4), (2, 3, 4), (4, 3), (5,)):
            case(f"init.{label} {shape}", lambda L, mk=mk, shape=shape: mk(L.init)(_k(L, 7), shape))
        case(f"init.{label} f32", lambda L, mk=mk: mk(L.init)(_k(L, 7), (3, 4), np.float32))
        case(f"init.{label} c128", lambda L, mk=mk: mk(L.init)(_k(L, 7), (3, 4), np.complex128))
    case("init.delta_orthogonal 4d", lambda L: L.init.delta_orthogonal()(_k(L, 1), (3, 3, 2, 4)))
    case("init.delta_orthogonal 5d", lambda L: L.init.delta_orthogonal()(_k(L, 1), (3, 1, 3, 2, 2)))
    case("init.delta_orthogonal bad", lambda L: L.init.delta_orthogonal()(_k(L, 1), (3, 4, 2)))
    case("init.orthogonal empty", lambda L: L.init.orthogonal()(_k(L, 1), (0, 3)))
    case("init.glorot 1d", lambda L: L.init.glorot_uniform()(_k(L), (4,)))
    case("init.glorot conv", lambda L: L.init.glorot_normal()(_k(L, 3), (3, 3, 2, 4)))
    case("init.constant dtype", lambda L: L.init.constant(1, dtype=np.int32)(_k(L), (2,)))
