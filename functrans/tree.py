"""``functrans.tree``: the short names of :mod:`functrans.tree_util`, as ``jax.tree``."""

from functrans._src.tree_extras import tree_any as any  # noqa: A004
from functrans._src.tree_extras import tree_flatten_with_path as flatten_with_path
from functrans._src.tree_extras import tree_leaves_with_path as leaves_with_path
from functrans._src.tree_extras import tree_map_with_path as map_with_path
from functrans._src.tree_extras import tree_reduce as reduce
from functrans._src.tree_extras import tree_transpose as transpose
from functrans._src.tree_util import tree_all as all  # noqa: A004
from functrans._src.tree_util import tree_flatten as flatten
from functrans._src.tree_util import tree_leaves as leaves
from functrans._src.tree_util import tree_map as map  # noqa: A004
from functrans._src.tree_util import tree_structure as structure
from functrans._src.tree_util import tree_unflatten as unflatten

__all__ = [
    "all", "any", "flatten", "flatten_with_path", "leaves", "leaves_with_path", "map", "map_with_path",
    "reduce", "structure", "transpose", "unflatten",
]  # fmt: skip
# prefix broadcasting, associative reduction, static registration
from functrans._src.tree_more import static  # noqa: E402
from functrans._src.tree_more import tree_broadcast as broadcast  # noqa: E402
from functrans._src.tree_more import tree_reduce_associative as reduce_associative  # noqa: E402

__all__ += ["broadcast", "reduce_associative", "static"]
